import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CARD_UPDATE_KINDS = ['renew', 'rekey', 'put-object', 'rotate-puk'] as const;
export type CardUpdateKind = (typeof CARD_UPDATE_KINDS)[number];
export const CARD_UPDATE_STATES = ['awaiting-approval', 'pending', 'running', 'done', 'failed', 'cancelled'] as const;
export type CardUpdateState = (typeof CARD_UPDATE_STATES)[number];
export const CARD_UPDATE_ORIGINS = ['officer', 'expiry', 'identity-change'] as const;
export type CardUpdateOrigin = (typeof CARD_UPDATE_ORIGINS)[number];

/** Work queued for an issued card, run by a card worker the next time the card is in one of its readers. */
@Entity('card_update')
export class CardUpdateEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'card_id' }) cardId!: string;
  @Column('text') kind!: CardUpdateKind;
  @Column('text', { nullable: true }) slot!: string | null;
  @Column('text', { name: 'object_tag', nullable: true }) objectTag!: string | null;
  @Column('bytea', { name: 'object_value', nullable: true }) objectValue!: Buffer | null;
  @Column('text') state!: CardUpdateState;
  @Column('text') origin!: CardUpdateOrigin;
  @Column('text') reason!: string;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  @Column('text', { name: 'approved_by', nullable: true }) approvedBy!: string | null;
  @Column('uuid', { name: 'worker_id', nullable: true }) workerId!: string | null;
  @Column('int') attempt!: number;
  @Column('int', { name: 'vsc_version', nullable: true }) vscVersion!: number | null;
  /** What the update's VSC version holds for the card: new certificate serials by slot, a retired slot. */
  @Column('jsonb', { nullable: true }) prepared!: Record<string, unknown> | null;
  @Column('bytea', { name: 'proof_nonce', nullable: true }) proofNonce!: Buffer | null;
  /** rotate-puk: the new PUK sealed under the HSM's PUK key, bound to the card (never in clear); cleared once it is the card's. */
  @Column('bytea', { name: 'puk_sealed', nullable: true }) pukSealed?: Buffer | null;
  @Column('text', { name: 'puk_key', nullable: true }) pukKey?: string | null;
  @Column('text', { nullable: true }) failure!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}
