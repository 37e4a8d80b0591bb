import { Column, Entity, PrimaryColumn } from 'typeorm';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One event of the append-only audit chain: who did what to what, hashed together with the previous
 * link. Inserted unchained (seq, prevHash and hash null) and placed in the chain once by the sequencer.
 */
@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryColumn('uuid') id!: string;
  /** Insertion order: the order the sequencer chains unchained events in. */
  @Column('bigint', { generated: 'increment' }) entry!: string;
  /** The place in the chain (1, 2, …, no gaps); null until chained. */
  @Column('bigint', { nullable: true }) seq!: string | null;
  @Column('timestamptz') at!: Date;
  @Column('text') actor!: string;
  @Column('text', { name: 'actor_name', nullable: true }) actorName!: string | null;
  @Column('text', { nullable: true }) role!: string | null;
  @Column('text') action!: string;
  @Column('text', { name: 'target_type', nullable: true }) targetType!: string | null;
  @Column('text', { name: 'target_id', nullable: true }) targetId!: string | null;
  @Column('text') outcome!: AuditOutcome;
  @Column('text', { name: 'request_id', nullable: true }) requestId!: string | null;
  @Column('jsonb') details!: Record<string, unknown>;
  @Column('bytea', { name: 'prev_hash', nullable: true }) prevHash!: Buffer | null;
  @Column('bytea', { nullable: true }) hash!: Buffer | null;
}

/** A signature over the audit chain's head at a sequence number (append-only). */
@Entity('audit_checkpoint')
export class AuditCheckpointEntity {
  @PrimaryColumn('bigint') seq!: string;
  @Column('bytea', { name: 'head_hash' }) headHash!: Buffer;
  @Column('timestamptz', { name: 'signed_at' }) signedAt!: Date;
  @Column('text', { name: 'key_label' }) keyLabel!: string;
  @Column('text') algorithm!: string;
  @Column('bytea', { name: 'public_key' }) publicKey!: Buffer;
  @Column('bytea') signature!: Buffer;
}
