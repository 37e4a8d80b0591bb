import type { AuditRecord, Checkpoint, CheckpointSigner, VerifyReport } from '@scm/audit';

/** Which audit events: after a position in the chain, within a time range, by an actor, by an action prefix. */
export interface AuditEventFilter {
  afterSeq: number;
  /** ISO instants: at >= from, at < to. */
  from?: string;
  to?: string;
  /** An actor (user:<id>, worker:<id>) or an actor's name. */
  actor?: string;
  /** The start of the action (`approval.` lists every approval event). */
  action?: string;
  limit: number;
}

/**
 * Reads of the audit chain and its signed checkpoints. Events are written only by the unit of
 * work (libs/audit's appendAudit) and placed in the chain by the sequencer; checkpoints are signed and stored through libs/audit, which the
 * CLI's offline tools share.
 */
export interface AuditRepository {
  /** Events in chain order, filtered. */
  events(filter: AuditEventFilter): Promise<AuditRecord[]>;
  /** Walks the whole chain (chained events) against the signed checkpoints, trusting only `trustedKeys`. */
  verify(trustedKeys: readonly Uint8Array[]): Promise<VerifyReport>;
  /** Every signed checkpoint, in chain order. */
  checkpoints(): Promise<Checkpoint[]>;
  /** Signs the chain head unless the latest checkpoint covers it (or always with `force`); null when nothing was signed. */
  signCheckpoint(signer: CheckpointSigner, now: Date, force: boolean): Promise<Checkpoint | null>;
}

export const AUDIT_REPOSITORY = Symbol('AuditRepository');
