import { Inject, Injectable } from '@nestjs/common';
import { canonicalJson } from '@scm/audit';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { ApprovalRequest } from '../../trust/approvals/approval.repository';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { userIdOf } from '../../trust/separation-of-duties';
import { type CardProfileDefinition, proposalProblems } from './card-profile';
import { ProfileError, ProfileErrorCode as E } from './profile-errors';
import { PROFILE_REPOSITORY, type ProfileRepository, type StoredProfile } from './profile.repository';

/** A new profile, or a new version of one: a second officer approves. */
export const PROFILE_CHANGE_KIND = 'card-profile-change';

/** What the approver approves: exactly this definition as the next version of this profile. */
export interface ProfileChangeSubject {
  profileId: string;
  /** The version the proposal was made against; null for a new profile. */
  basedOn: number | null;
  version: number;
  description: string;
  definition: CardProfileDefinition;
}

/** Whether a proposal would change nothing of the current version. */
export const sameProfile = (
  a: Pick<StoredProfile, 'description' | 'definition'>,
  b: Pick<StoredProfile, 'description' | 'definition'>,
): boolean => a.description === b.description && canonicalJson(a.definition) === canonicalJson(b.definition);

/**
 * Card profiles as data under dual control (docs/card-profile.md, section 4): an officer proposes a
 * new profile or a new version of one; a second officer approves the exact definition (its subject
 * hash); the approval makes it the profile's next version and keeps it in card_profile_version.
 * Requests made earlier keep the version they copied; only new requests get the new one.
 */
@Injectable()
export class ProfileApprovals {
  constructor(
    private readonly approvals: ApprovalsService,
    @Inject(PROFILE_REPOSITORY) private readonly profiles: ProfileRepository,
  ) {}

  register(): void {
    this.approvals.register(PROFILE_CHANGE_KIND, (tx, req) => this.approve(tx, req));
  }

  async propose(tx: Tx, subject: ProfileChangeSubject): Promise<ApprovalRequest> {
    const requestedBy = userIdOf(tx.actor.actor);
    if (!requestedBy) throw new Error(`only a user proposes a profile (actor ${tx.actor.actor})`);
    return this.approvals.request(tx, {
      kind: PROFILE_CHANGE_KIND,
      subject: subject as unknown as Record<string, unknown>,
      approverRole: 'security-officer',
      requiredApprovals: 1,
      requestedBy,
    });
  }

  private async approve(tx: Tx, req: ApprovalRequest): Promise<void> {
    const s = req.subject as unknown as ProfileChangeSubject;
    const problems = proposalProblems(s.definition);
    if (problems.length)
      throw new ProfileError(E.InvalidProposal, `the proposed profile ${s.profileId} is invalid: ${problems.join('; ')}`, { problems });
    const current = await this.profiles.lock(tx, s.profileId);
    const at = current ? (current.version ?? 1) : null;
    if (at !== s.basedOn)
      throw new ProfileError(
        E.Stale,
        `profile ${s.profileId} is ${at === null ? 'gone' : `at version ${at}`}; the proposal was based on ${s.basedOn === null ? 'no profile' : `version ${s.basedOn}`}: propose again`,
        { profile: s.profileId, version: at },
      );
    if (!current)
      await this.profiles.insert(tx, {
        id: s.profileId,
        description: s.description,
        definition: s.definition,
        isDefault: false,
        version: s.version,
        createdAt: tx.now,
      });
    else if (!(await this.profiles.advance(tx, s.profileId, s.basedOn!, s)))
      throw new ProfileError(E.Stale, `profile ${s.profileId} changed concurrently; propose again`, { profile: s.profileId });
    await this.profiles.insertVersion(tx, {
      profileId: s.profileId,
      version: s.version,
      description: s.description,
      definition: s.definition,
      proposedBy: `user:${req.requestedBy}`,
      approvedBy: tx.actor.actor,
      approvalId: req.id,
      createdAt: tx.now,
    });
    tx.audit({
      action: 'profile.version-approved',
      targetType: 'card-profile',
      targetId: s.profileId,
      outcome: 'success',
      details: { version: s.version, basedOn: s.basedOn, approvalId: req.id, proposedBy: `user:${req.requestedBy}` },
    });
  }
}
