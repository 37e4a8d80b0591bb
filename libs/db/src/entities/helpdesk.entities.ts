import { Column, Entity, PrimaryColumn } from 'typeorm';

export const REPORT_REASONS = ['lost', 'stolen', 'damaged', 'left-at-home'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const REPORT_STATES = ['open', 'found', 'closed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const TEMPORARY_CARD_STATES = ['issued', 'active', 'revoked', 'expired'] as const;
export type TemporaryCardState = (typeof TEMPORARY_CARD_STATES)[number];

export const REISSUE_STATES = ['awaiting-card', 'completed', 'failed'] as const;
export type ReissueState = (typeof REISSUE_STATES)[number];

export const KEY_RECOVERY_STATES = ['approved', 'delivered'] as const;
export type KeyRecoveryState = (typeof KEY_RECOVERY_STATES)[number];

/** A recovered key as listed in key_recovery.keys (the key itself is never stored). */
export interface RecoveredKeyJson {
  vscId: string;
  /** The slot on the source VSC, in hex. */
  slot: string;
  /** The serial of its certificate. */
  serial: string;
}

/** A report that a card is lost, stolen, damaged or left at home, until it is closed or the card is found. */
@Entity('card_report')
export class CardReportEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'card_id' }) cardId!: string;
  @Column('text') reason!: ReportReason;
  @Column('text') state!: ReportState;
  @Column('text', { name: 'card_state' }) cardState!: string;
  @Column('text', { nullable: true }) comment!: string | null;
  @Column('text', { name: 'reported_by' }) reportedBy!: string;
  @Column('timestamptz', { name: 'reported_at' }) reportedAt!: Date;
  @Column('text', { name: 'closed_by', nullable: true }) closedBy!: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
}

/** A temporary card: a VSC made from a cardholder's escrow and served by an enrolled host (its id is the VSC's). */
@Entity('temporary_card')
export class TemporaryCardEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'cardholder_id' }) cardholderId!: string;
  @Column('uuid', { name: 'card_id', nullable: true }) cardId!: string | null;
  @Column('uuid', { name: 'source_vsc_id' }) sourceVscId!: string;
  @Column('int', { name: 'source_version' }) sourceVersion!: number;
  @Column('uuid', { name: 'host_worker_id' }) hostWorkerId!: string;
  @Column('uuid', { name: 'approval_id' }) approvalId!: string;
  @Column('text') state!: TemporaryCardState;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('int', { name: 'pin_tries' }) pinTries!: number;
  @Column('int', { name: 'pin_remaining' }) pinRemaining!: number;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'activated_at', nullable: true }) activatedAt!: Date | null;
  @Column('text', { name: 'activated_by', nullable: true }) activatedBy!: string | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('text', { name: 'close_reason', nullable: true }) closeReason!: string | null;
}

/** The reissue of a cardholder's keys from escrow onto a new card, replacing an old one. */
@Entity('reissue')
export class ReissueEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'old_card_id' }) oldCardId!: string;
  @Column('uuid', { name: 'cardholder_id' }) cardholderId!: string;
  @Column('text') reason!: string;
  @Column('uuid', { name: 'approval_id' }) approvalId!: string;
  @Column('uuid', { name: 'request_id' }) requestId!: string;
  @Column('uuid', { name: 'source_vsc_id' }) sourceVscId!: string;
  @Column('int', { name: 'source_version' }) sourceVersion!: number;
  @Column('text') state!: ReissueState;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
}

/** An approved recovery of a cardholder's escrowed key-management keys, and which keys were delivered. */
@Entity('key_recovery')
export class KeyRecoveryEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'cardholder_id' }) cardholderId!: string;
  @Column('uuid', { name: 'card_id', nullable: true }) cardId!: string | null;
  @Column('uuid', { name: 'approval_id' }) approvalId!: string;
  @Column('text') reason!: string;
  @Column('text') state!: KeyRecoveryState;
  @Column('uuid', { name: 'requested_by' }) requestedBy!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt!: Date | null;
  @Column('jsonb', { default: [] }) keys!: RecoveredKeyJson[];
}
