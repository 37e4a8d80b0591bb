import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const CARD_MANAGEMENT_KEYS = ['transport', 'diversified'] as const;
export type CardManagementKey = (typeof CARD_MANAGEMENT_KEYS)[number];

export const STEP_OUTCOMES = ['started', 'done', 'skipped', 'failed'] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];

export const ACTIVATION_STATES = ['open', 'completed', 'failed', 'cancelled', 'expired'] as const;
export type ActivationState = (typeof ACTIVATION_STATES)[number];

export const ACTIVATION_PURPOSES = ['activation', 'unblock'] as const;
export type ActivationPurpose = (typeof ACTIVATION_PURPOSES)[number];

/** The current personalisation attempt of an issuance request on a card: progress, and the card's proof of key possession. */
@Entity('personalisation')
export class PersonalisationEntity {
  @PrimaryColumn('uuid', { name: 'request_id' }) requestId!: string;
  @Column('uuid', { name: 'card_id' }) cardId!: string;
  @Column('uuid', { name: 'worker_id' }) workerId!: string;
  @Column('int') attempt!: number;
  @Column('int', { name: 'steps_total', nullable: true }) stepsTotal!: number | null;
  @Column('int', { name: 'steps_done', default: 0 }) stepsDone!: number;
  @Column('text', { name: 'last_step', nullable: true }) lastStep!: string | null;
  @Column('text', { name: 'management_key', default: 'transport' }) managementKey!: CardManagementKey;
  @Column('bytea', { name: 'proof_nonce', nullable: true }) proofNonce!: Buffer | null;
  @Column('bytea', { name: 'decrypt_check', nullable: true }) decryptCheck!: Buffer | null;
  /** Attempts on this card the card refused since the last officer decision, and the last refusal (step, status word). */
  @Column('int', { default: 0 }) refusals!: number;
  @Column('text', { name: 'refused_step', nullable: true }) refusedStep!: string | null;
  @Column('text', { name: 'refused_sw', nullable: true }) refusedSw!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** A card job leased by the API to one worker, for the card it reported in one of its readers, until it expires. */
@Entity('card_lease')
export class CardLeaseEntity {
  @PrimaryColumn('uuid', { name: 'request_id' }) requestId!: string;
  @Column('uuid', { name: 'worker_id' }) workerId!: string;
  @Column('int') workstation!: number;
  @Column('text') reader!: string;
  @Column('text') serial!: string;
  @Column('text') atr!: string;
  @Column('timestamptz', { name: 'leased_at' }) leasedAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
}

/** A claim a worker made: `accepted` or the refusal's code; the per-minute limit counts all, suspension the suspicious ones. */
@Entity('worker_claim')
export class WorkerClaimEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'worker_id' }) workerId!: string;
  @Column('uuid', { name: 'request_id', nullable: true }) requestId!: string | null;
  @Column('text') outcome!: string;
  @Column('boolean') suspicious!: boolean;
  @Column('timestamptz') at!: Date;
}

/** One step of a personalisation attempt as the card worker reported it. */
@Entity('personalisation_step')
export class PersonalisationStepEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'request_id' }) requestId!: string;
  @Column('uuid', { name: 'card_id', nullable: true }) cardId!: string | null;
  @Column('uuid', { name: 'worker_id', nullable: true }) workerId!: string | null;
  @Column('int') attempt!: number;
  @Column('text') step!: string;
  @Column('text') outcome!: StepOutcome;
  @Column('jsonb', { default: {} }) details!: Record<string, unknown>;
  @Column('timestamptz') at!: Date;
}

/** A card's PUK, sealed under an HSM key (never stored in clear). */
@Entity('card_credential')
export class CardCredentialEntity {
  @PrimaryColumn('uuid', { name: 'card_id' }) cardId!: string;
  @Column('bytea', { name: 'puk_sealed' }) pukSealed!: Buffer;
  @Column('text', { name: 'puk_key' }) pukKey!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** A session, opened after an identity check, in which a cardholder activates a card or unblocks its PIN at a workstation. */
@Entity('activation_session')
export class ActivationSessionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'card_id' }) cardId!: string;
  @Column('int') workstation!: number;
  @Column('text', { name: 'identity_check' }) identityCheck!: string;
  @Column('text') state!: ActivationState;
  @Column('text', { name: 'started_by' }) startedBy!: string;
  @Column('uuid', { name: 'worker_id', nullable: true }) workerId!: string | null;
  @Column('text', { nullable: true }) failure!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('text', { default: 'activation' }) purpose!: ActivationPurpose;
}
