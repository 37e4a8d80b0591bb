import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CardProfileJson } from './issuance.entities';

/** One VSC version a purge emptied, and the write-once volume that still holds its copy (null: never archived). */
export interface PurgedVersionJson {
  vscId: string;
  version: number;
  /** SHA-256 of the sealed content, hex (kept: the archive copy is still identified by it). */
  sha256: string;
  kind: string;
  volume: number | null;
}

/** A terminated cardholder (a leaver): why, by whom, and until when their escrowed keys stay recoverable. */
@Entity('cardholder_termination')
export class CardholderTerminationEntity {
  @PrimaryColumn('uuid', { name: 'cardholder_id' }) cardholderId!: string;
  @Column('text') reason!: string;
  @Column('text', { name: 'terminated_by' }) terminatedBy!: string;
  @Column('timestamptz', { name: 'terminated_at' }) terminatedAt!: Date;
  @Column('timestamptz', { name: 'retain_until' }) retainUntil!: Date;
  @Column('jsonb', { default: {} }) summary!: Record<string, unknown>;
  @Column('timestamptz', { name: 'purged_at', nullable: true }) purgedAt!: Date | null;
}

/** The record of a purge of a leaver's escrow (dual control); never changed. */
@Entity('escrow_purge')
export class EscrowPurgeEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'cardholder_id' }) cardholderId!: string;
  @Column('uuid', { name: 'approval_id' }) approvalId!: string;
  @Column('text', { name: 'proposed_by' }) proposedBy!: string;
  @Column('text', { name: 'approved_by' }) approvedBy!: string;
  @Column('timestamptz', { name: 'purged_at' }) purgedAt!: Date;
  @Column('jsonb') versions!: PurgedVersionJson[];
}

/** One approved version of a card profile (the profile row holds the current one). */
@Entity('card_profile_version')
export class CardProfileVersionEntity {
  @PrimaryColumn('text', { name: 'profile_id' }) profileId!: string;
  @PrimaryColumn('int') version!: number;
  @Column('text') description!: string;
  @Column('jsonb') definition!: CardProfileJson;
  @Column('text', { name: 'proposed_by' }) proposedBy!: string;
  @Column('text', { name: 'approved_by', nullable: true }) approvedBy!: string | null;
  @Column('uuid', { name: 'approval_id', nullable: true }) approvalId!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
