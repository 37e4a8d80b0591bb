import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../platform/infra/unit-of-work';
import type { ApprovalRequest } from '../trust/approvals/approval.repository';
import { ApprovalsService } from '../trust/approvals/approvals.service';
import { userIdOf } from '../trust/separation-of-duties';
import { LifecycleError, LifecycleErrorCode as E } from './lifecycle-errors';
import { purgeRefusal } from './termination-rules';
import { type EscrowPurge, TERMINATION_REPOSITORY, type TerminationRepository } from './termination.repository';

/** The dual-control request that purges a leaver's escrow. */
export const ESCROW_PURGE_KIND = 'escrow-purge';

/** What the approvers approve: exactly these sealed versions of this cardholder's VSCs. */
export interface EscrowPurgeSubject {
  cardholderId: string;
  versions: Array<{ vscId: string; version: number; sha256: string }>;
}

const REFUSAL_CODE = { 'not-terminated': E.NotTerminated, 'already-purged': E.AlreadyPurged, 'retention-running': E.RetentionRunning };

/**
 * The purge of a leaver's escrowed keys (docs/lifecycle.md): once the retention period is over, one
 * officer proposes it and a second approves (the approvals mechanism: never the proposer). The
 * approval empties the content of every escrowed version of the cardholder's VSCs in PostgreSQL
 * (hash and labels stay; the seal trigger allows this change only, once), and writes the purge
 * record naming each version and the write-once volume that still holds its copy. Nothing reads
 * those copies for recovery any more (ArchiveRecoveryService refuses a purged version).
 */
@Injectable()
export class EscrowPurgeService {
  constructor(
    private readonly approvals: ApprovalsService,
    @Inject(TERMINATION_REPOSITORY) private readonly leavers: TerminationRepository,
  ) {}

  register(): void {
    this.approvals.register(ESCROW_PURGE_KIND, (tx, req) => this.purge(tx, req));
  }

  /** Why the purge may not happen now, as a LifecycleError, or null. */
  async refusal(tx: Tx, cardholderId: string, lock = false): Promise<LifecycleError | null> {
    const t = lock ? await this.leavers.lock(tx, cardholderId) : await this.leavers.get(cardholderId, tx);
    const r = purgeRefusal(t, tx.now);
    return r ? new LifecycleError(REFUSAL_CODE[r.code], `cardholder ${cardholderId}: ${r.message}`, { cardholderId }) : null;
  }

  async propose(tx: Tx, cardholderId: string): Promise<ApprovalRequest> {
    const versions = (await this.leavers.escrowedVersionsOf(cardholderId, tx))
      .filter((v) => !v.purgedAt)
      .map((v) => ({ vscId: v.vscId, version: v.version, sha256: v.sha256 }));
    const subject: EscrowPurgeSubject = { cardholderId, versions };
    const requestedBy = userIdOf(tx.actor.actor);
    if (!requestedBy) throw new Error(`only a user proposes a purge (actor ${tx.actor.actor})`);
    return this.approvals.request(tx, {
      kind: ESCROW_PURGE_KIND,
      subject: subject as unknown as Record<string, unknown>,
      approverRole: 'security-officer',
      requiredApprovals: 1,
      requestedBy,
    });
  }

  private async purge(tx: Tx, req: ApprovalRequest): Promise<void> {
    const subject = req.subject as unknown as EscrowPurgeSubject;
    const refused = await this.refusal(tx, subject.cardholderId, true);
    if (refused) throw refused;
    const now = await this.leavers.escrowedVersionsOf(subject.cardholderId, tx);
    const approved = new Set(subject.versions.map((v) => `${v.vscId}/${v.version}/${v.sha256}`));
    const open = now.filter((v) => !v.purgedAt);
    // A version escrowed after the proposal (or one that changed) was not shown to the approver.
    const unseen = open.filter((v) => !approved.has(`${v.vscId}/${v.version}/${v.sha256}`));
    if (unseen.length)
      throw new LifecycleError(E.Invalid, `the cardholder's escrow changed since the purge was proposed; propose it again`, {
        cardholderId: subject.cardholderId,
      });
    const purge: EscrowPurge = {
      id: randomUUID(),
      cardholderId: subject.cardholderId,
      approvalId: req.id,
      proposedBy: `user:${req.requestedBy}`,
      approvedBy: tx.actor.actor,
      purgedAt: tx.now,
      versions: open.map((v) => ({ vscId: v.vscId, version: v.version, sha256: v.sha256, kind: v.kind, volume: v.volume })),
    };
    await this.leavers.insertPurge(tx, purge);
    const count = await this.leavers.purgeVersions(tx, purge.id, open);
    if (count !== open.length) throw new Error(`purge ${purge.id}: ${count} of ${open.length} versions emptied`);
    await this.leavers.markPurged(tx, subject.cardholderId);
    for (const v of purge.versions)
      tx.audit({
        action: 'vsc.purged',
        targetType: 'vsc',
        targetId: v.vscId,
        outcome: 'success',
        details: {
          version: v.version,
          sha256: v.sha256,
          purgeId: purge.id,
          archive:
            v.volume === null
              ? 'never archived'
              : `volume ${v.volume}: purged in DB, still on write-once media until the volume's destruction`,
        },
      });
    tx.audit({
      action: 'cardholder.escrow-purged',
      targetType: 'cardholder',
      targetId: subject.cardholderId,
      outcome: 'success',
      details: { purgeId: purge.id, approvalId: req.id, proposedBy: purge.proposedBy, versions: purge.versions.length },
    });
  }
}
