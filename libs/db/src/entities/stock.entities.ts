import { Column, Entity, PrimaryColumn } from 'typeorm';

export const STOCK_BATCH_KINDS = ['manifest', 'development'] as const;
export type StockBatchKind = (typeof STOCK_BATCH_KINDS)[number];

/** What a stock card is now: derived from the card it became (if any) and whether it was destroyed. */
export const STOCK_CARD_STATES = ['in-stock', 'bound', 'issued', 'spoiled', 'destroyed'] as const;
export type StockCardState = (typeof STOCK_CARD_STATES)[number];

/** A batch of blank cards an officer registered (docs/stock.md). */
@Entity('stock_batch')
export class StockBatchEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') kind!: StockBatchKind;
  @Column('text', { nullable: true }) vendor!: string | null;
  @Column('text', { name: 'transport_algorithm' }) transportAlgorithm!: string;
  /** Label/version of the HSM key the transport keys are wrapped under ("well-known" for the development batch). */
  @Column('text', { name: 'wrapping_key' }) wrappingKey!: string;
  /** The vendor's PIV attestation root (DER); null: the stock gives no attestation. */
  @Column('bytea', { name: 'attestation_root', nullable: true }) attestationRoot!: Buffer | null;
  @Column('bytea', { name: 'manifest_sha256', nullable: true }) manifestSha256!: Buffer | null;
  @Column('int', { name: 'card_count' }) cardCount!: number;
  @Column('text', { name: 'imported_by' }) importedBy!: string;
  @Column('timestamptz', { name: 'imported_at' }) importedAt!: Date;
}

/** One blank card of a batch: its serial and its transport key, wrapped under the HSM. */
@Entity('stock_card')
export class StockCardEntity {
  @PrimaryColumn('text') serial!: string;
  @Column('uuid', { name: 'batch_id' }) batchId!: string;
  /** AES key wrap (RFC 5649) under the HSM stock key; null only in the development batch. */
  @Column('bytea', { name: 'transport_key_wrapped', nullable: true }) transportKeyWrapped!: Buffer | null;
  @Column('timestamptz', { name: 'destroyed_at', nullable: true }) destroyedAt!: Date | null;
  @Column('text', { name: 'destroyed_by', nullable: true }) destroyedBy!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** A card's proof of its transport key in progress: the HSM's challenge, answered once at the claim. */
@Entity('stock_card_proof')
export class StockCardProofEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') serial!: string;
  @Column('uuid', { name: 'request_id' }) requestId!: string;
  @Column('uuid', { name: 'worker_id' }) workerId!: string;
  @Column('text') algorithm!: string;
  /** SHA-256 of the answer the card must give (E_K(challenge)); the answer itself is never stored. */
  @Column('bytea', { name: 'expected_sha256' }) expectedSha256!: Buffer;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt!: Date | null;
}

/** The PIV attestation of a key the card generated, kept with the certificate it got. */
@Entity('on_card_attestation')
export class OnCardAttestationEntity {
  @PrimaryColumn('text', { name: 'certificate_serial' }) certificateSerial!: string;
  @Column('uuid', { name: 'request_id' }) requestId!: string;
  @Column('text', { name: 'card_serial' }) cardSerial!: string;
  @Column('text') slot!: string;
  @Column('bytea') attestation!: Buffer;
  @Column('bytea') intermediate!: Buffer;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
