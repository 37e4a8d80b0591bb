import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CA_ROLES = ['root', 'issuing', 'content-signer'] as const;
export type CaRole = (typeof CA_ROLES)[number];

export const CERTIFICATE_STATUSES = ['valid', 'on-hold', 'revoked'] as const;
export type CaCertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** A CA's own certificate (root, issuing or PIV content signer) and the HSM key it signs with. */
@Entity('ca_authority')
export class CaAuthorityEntity {
  @PrimaryColumn('text', { name: 'ca_id' }) caId!: string;
  @Column('text') role!: CaRole;
  @Column('bytea') der!: Buffer;
  @Column('text', { name: 'key_label', nullable: true }) keyLabel!: string | null;
  @Column('text', { name: 'parent_id', nullable: true }) parentId!: string | null;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}

/** A certificate a CA issued, its revocation state, and what it was issued for (reference: requestId, slot, temporaryCardId). */
@Entity('ca_certificate')
export class CaCertificateEntity {
  @PrimaryColumn('text', { name: 'ca_id' }) caId!: string;
  @PrimaryColumn('text') serial!: string;
  @Column('text') template!: string;
  @Column('text') subject!: string;
  @Column('timestamptz', { name: 'not_before' }) notBefore!: Date;
  @Column('timestamptz', { name: 'not_after' }) notAfter!: Date;
  @Column('bytea') der!: Buffer;
  @Column('text') status!: CaCertificateStatus;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('timestamptz', { name: 'invalidity_date', nullable: true }) invalidityDate!: Date | null;
  @Column('jsonb', { nullable: true }) reference!: Record<string, string> | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}

/** The last CRL number a CA used. */
@Entity('ca_crl_number')
export class CaCrlNumberEntity {
  @PrimaryColumn('text', { name: 'ca_id' }) caId!: string;
  @Column('bigint', { name: 'last_number' }) lastNumber!: string;
}

/** A CRL a CA signed. */
@Entity('ca_crl')
export class CaCrlEntity {
  @PrimaryColumn('text', { name: 'ca_id' }) caId!: string;
  @PrimaryColumn('bigint', { name: 'crl_number' }) crlNumber!: string;
  @Column('timestamptz', { name: 'this_update' }) thisUpdate!: Date;
  @Column('timestamptz', { name: 'next_update' }) nextUpdate!: Date;
  @Column('bytea') der!: Buffer;
}
