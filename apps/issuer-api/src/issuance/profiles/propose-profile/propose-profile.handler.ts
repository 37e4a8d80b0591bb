import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { type PendingApproval, toPendingApproval } from '../../cardholders/cardholder';
import { type CardProfileDefinition, PROFILE_ID, proposalProblems } from '../card-profile';
import { ProfileApprovals, sameProfile } from '../profile-approvals';
import { ProfileError, ProfileErrorCode as E } from '../profile-errors';
import { PROFILE_REPOSITORY, type ProfileRepository } from '../profile.repository';
import { ProposeProfileCommand } from './propose-profile.command';

const ACTION = 'profile.change-proposed';

/**
 * Checks a proposed profile strictly (every problem named, nothing proposed when one is found),
 * against the version it was edited from, then opens the approval a second officer decides.
 */
@CommandHandler(ProposeProfileCommand)
export class ProposeProfileHandler implements ICommandHandler<
  ProposeProfileCommand,
  PendingApproval & { profileId: string; version: number }
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ProfileApprovals,
    @Inject(PROFILE_REPOSITORY) private readonly profiles: ProfileRepository,
  ) {}

  execute(c: ProposeProfileCommand): Promise<PendingApproval & { profileId: string; version: number }> {
    return this.uow.run(c.actor, async (tx) => {
      const target = { action: ACTION, targetType: 'card-profile', targetId: c.profileId };
      if (!PROFILE_ID.test(c.profileId))
        return tx.deny(
          new ProfileError(
            E.InvalidProposal,
            `"${c.profileId}" is not a profile id (a-z, 0-9 and -, at most 40, starting with a letter or digit)`,
            {
              problems: ['id'],
            },
          ),
          target,
        );
      const problems = proposalProblems(c.definition);
      const description = c.description.trim();
      if (!description) problems.unshift('description: say what the profile is for');
      if (problems.length)
        return tx.deny(new ProfileError(E.InvalidProposal, `the profile is invalid: ${problems.join('; ')}`, { problems }), target);
      const definition = c.definition as CardProfileDefinition;
      const current = await this.profiles.get(c.profileId, tx);
      const at = current ? (current.version ?? 1) : null;
      const basedOn = c.basedOn ?? at;
      if (basedOn !== at)
        return tx.deny(
          new ProfileError(
            E.Stale,
            at === null
              ? `there is no profile ${c.profileId} to edit (leave out basedOn to create it)`
              : `profile ${c.profileId} is at version ${at}, not ${basedOn}: look at it again and propose against version ${at}`,
            { profile: c.profileId, version: at },
          ),
          target,
        );
      if (current && sameProfile(current, { description, definition }))
        return tx.deny(new ProfileError(E.Unchanged, `the proposal is version ${at} of ${c.profileId} as it stands`), target);
      const version = (at ?? 0) + 1;
      const approval = await this.approvals.propose(tx, { profileId: c.profileId, basedOn, version, description, definition });
      tx.audit({ ...target, outcome: 'success', details: { approvalId: approval.id, basedOn, version } });
      return { ...toPendingApproval(approval), profileId: c.profileId, version };
    });
  }
}
