import type { CertificateTemplateName } from '@scm/ca';
import type { EscrowPolicy, GeneratedAlgorithmName } from '@scm/vsc';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const CARDHOLDER_STATUSES = ['pending', 'active', 'offboarded'] as const;
export type CardholderStatus = (typeof CARDHOLDER_STATUSES)[number];

export const REQUEST_STATES = [
  'requested',
  'keys-generated',
  'escrowed',
  'awaiting-card',
  'personalising',
  'verifying',
  'issued',
  'failed',
  'cancelled',
  /** The card refused a step the same way on consecutive attempts: an officer spoils it or retries. */
  'failed-card',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const VSC_KINDS = ['escrow', 'temporary', 'standalone', 'backup'] as const;
export type VscKindName = (typeof VSC_KINDS)[number];

export const CARD_STATES = [
  'blank',
  'personalising',
  'issued',
  'active',
  'suspended',
  'lost',
  'stolen',
  'damaged',
  'replaced',
  'spoiled',
  'terminated',
  'expired',
] as const;
export type CardState = (typeof CARD_STATES)[number];

/** Card capabilities a profile may need (docs/card-profile.md): import-key is the vendor IMPORT ASYMMETRIC KEY. */
export const CARD_CAPABILITIES = ['import-key'] as const;
export type CardCapabilityName = (typeof CARD_CAPABILITIES)[number];

/** The key slots a card profile may define. */
export type CardProfileSlot = '9a' | '9c' | '9d' | '9e';

export const MANAGEMENT_KEY_ALGORITHMS = ['3des', 'aes128', 'aes192', 'aes256'] as const;
export type ManagementKeyAlgorithmName = (typeof MANAGEMENT_KEY_ALGORITHMS)[number];

/** What a profile says of one key slot. */
export interface SlotPolicy {
  algorithm: GeneratedAlgorithmName;
  template: CertificateTemplateName;
  /** escrow: made on the VSC, escrowed, imported into the card; on-card: the card makes it, SCM keeps the certificate; regenerate: made on the VSC for the card and a temporary card, never restored on reissue. */
  escrow: EscrowPolicy;
}

/**
 * A card profile as stored in card_profile.definition and copied into issuance_request.profile
 * (the issuer API validates it before it is stored).
 */
export interface CardProfileJson {
  slots: Partial<Record<CardProfileSlot, SlotPolicy>>;
  pin: { minLength: number; maxLength: number; tries: number };
  puk: { length: number; tries: number };
  managementKey: { algorithm: ManagementKeyAlgorithmName };
  /** What a card must be able to do to carry the profile (import-key: it takes keys generated off the card). */
  cardCapabilities?: CardCapabilityName[];
  /** Certificates and the CHUID expire this many days after issuance (capped by the CA). */
  validityDays: number;
}

/** The state of a managed VSC as stored in vsc.state (the binding's ATR in hex). */
export interface VscStateJson {
  sequence: number;
  status: 'active' | 'disabled';
  pin: { remaining: number; total: number };
  puk: { remaining: number; total: number };
  /** Unix time in seconds. */
  expiresAt?: number;
  binding?: { serial: string; atr?: string };
}

/** A person cards are issued to. */
@Entity('cardholder')
export class CardholderEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { nullable: true }) upn!: string | null;
  @Column('text', { name: 'org_ids', array: true, default: [] }) orgIds!: string[];
  @Column('text', { default: 'active' }) status!: CardholderStatus;
  /** Who registered the cardholder (an actor); a second officer approves the registration. */
  @Column('text', { name: 'registered_by', nullable: true }) registeredBy?: string | null;
  /** The officer (an actor) whose sponsorship the next issuance consumes; null when there is none. */
  @Column('text', { name: 'sponsored_by', nullable: true }) sponsoredBy?: string | null;
  @Column('timestamptz', { name: 'sponsored_at', nullable: true }) sponsoredAt?: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** A named card profile: which keys a card gets, its PIN and PUK policy and validity. */
@Entity('card_profile')
export class CardProfileEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') description!: string;
  @Column('jsonb') definition!: CardProfileJson;
  @Column('boolean', { name: 'is_default', default: false }) isDefault!: boolean;
  /** The current version (card_profile_version keeps every approved one). */
  @Column('int', { default: 1 }) version?: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** A batch of issuance requests submitted together, optionally under the caller's unique reference. */
@Entity('issuance_batch')
export class IssuanceBatchEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { nullable: true }) reference!: string | null;
  @Column('int') size!: number;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** A request to issue one card to a cardholder with a copy of the profile, and where it stands. */
@Entity('issuance_request')
export class IssuanceRequestEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'batch_id', nullable: true }) batchId!: string | null;
  @Column('uuid', { name: 'cardholder_id' }) cardholderId!: string;
  @Column('text', { name: 'profile_id' }) profileId!: string;
  @Column('jsonb') profile!: CardProfileJson;
  /** The version of the profile the request (and its card) was issued with. */
  @Column('int', { name: 'profile_version', nullable: true }) profileVersion?: number | null;
  @Column('text') state!: RequestState;
  @Column('timestamptz', { name: 'state_changed_at' }) stateChangedAt!: Date;
  @Column('text', { nullable: true }) failure!: string | null;
  @Column('uuid', { name: 'worker_id', nullable: true }) workerId!: string | null;
  @Column('uuid', { name: 'card_id', nullable: true }) cardId!: string | null;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  /** The officer (an actor) who sponsored this card: never the one who requested it. */
  @Column('text', { name: 'sponsored_by', nullable: true }) sponsoredBy?: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** One state change of an issuance request. */
@Entity('issuance_request_event')
export class IssuanceRequestEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'request_id' }) requestId!: string;
  @Column('text', { name: 'from_state', nullable: true }) fromState!: string | null;
  @Column('text', { name: 'to_state' }) toState!: string;
  @Column('timestamptz') at!: Date;
  @Column('text') actor!: string;
  @Column('jsonb', { default: {} }) details!: Record<string, unknown>;
}

/** A managed virtual smart card (escrow copy, temporary card, standalone or backup) and its current state. */
@Entity('vsc')
export class VscEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') kind!: VscKindName;
  @Column('text') label!: string;
  @Column('uuid', { name: 'request_id', nullable: true }) requestId!: string | null;
  @Column('uuid', { name: 'cardholder_id', nullable: true }) cardholderId!: string | null;
  @Column('uuid', { name: 'parent_id', nullable: true }) parentId!: string | null;
  @Column('int', { name: 'current_version' }) currentVersion!: number;
  @Column('jsonb') state!: VscStateJson;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** One sealed version of a VSC (the escrow copy): its content never changes. */
@Entity('vsc_version')
export class VscVersionEntity {
  @PrimaryColumn('uuid', { name: 'vsc_id' }) vscId!: string;
  @PrimaryColumn('int') version!: number;
  @Column('bytea') content!: Buffer;
  @Column('bytea') sha256!: Buffer;
  @Column('int') size!: number;
  @Column('text', { name: 'kek_label' }) kekLabel!: string;
  @Column('text', { name: 'recovery_label' }) recoveryLabel!: string;
  @Column('text') reason!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'escrowed_at', nullable: true }) escrowedAt!: Date | null;
  /** Set when a leaver's escrow was purged: the content is then empty (the hash stays). */
  @Column('timestamptz', { name: 'purged_at', nullable: true }) purgedAt?: Date | null;
  @Column('uuid', { name: 'purge_id', nullable: true }) purgeId?: string | null;
}

/** A physical card, from blank stock to the end of its life. */
@Entity('card')
export class CardEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { nullable: true }) serial!: string | null;
  @Column('bytea', { nullable: true }) atr!: Buffer | null;
  @Column('text') state!: CardState;
  @Column('uuid', { name: 'cardholder_id', nullable: true }) cardholderId!: string | null;
  @Column('uuid', { name: 'request_id', nullable: true }) requestId!: string | null;
  @Column('uuid', { name: 'vsc_id', nullable: true }) vscId!: string | null;
  @Column('text', { name: 'stock_batch', nullable: true }) stockBatch!: string | null;
  @Column('timestamptz', { name: 'state_changed_at' }) stateChangedAt!: Date;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** One lifecycle state change of a card. */
@Entity('card_event')
export class CardEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'card_id' }) cardId!: string;
  @Column('text', { name: 'from_state', nullable: true }) fromState!: string | null;
  @Column('text', { name: 'to_state' }) toState!: string;
  @Column('timestamptz') at!: Date;
  @Column('text') actor!: string;
  @Column('jsonb', { default: {} }) details!: Record<string, unknown>;
}
