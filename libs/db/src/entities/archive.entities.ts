import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A certificate chain of the archive signing key (signer first), one row per certificate serial. */
@Entity('archive_signer')
export class ArchiveSignerEntity {
  @PrimaryColumn('text', { name: 'key_label' }) keyLabel!: string;
  @PrimaryColumn('text') serial!: string;
  @Column('bytea', { array: true }) certificates!: Buffer[];
  @Column('timestamptz', { name: 'not_after' }) notAfter!: Date;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** A sealed archive volume: its image's SHA-256, chained to the previous volume's, and the audit head it covers. */
@Entity('archive_volume')
export class ArchiveVolumeEntity {
  @PrimaryColumn('int') volume!: number;
  @Column('text', { name: 'volume_id' }) volumeId!: string;
  @Column('text', { name: 'image_name' }) imageName!: string;
  @Column('text', { name: 'sidecar_name' }) sidecarName!: string;
  @Column('text') directory!: string;
  @Column('bytea', { name: 'image_sha256' }) imageSha256!: Buffer;
  @Column('bigint', { name: 'image_size' }) imageSize!: string;
  @Column('bytea', { name: 'manifest_sha256' }) manifestSha256!: Buffer;
  @Column('int', { name: 'previous_volume', nullable: true }) previousVolume!: number | null;
  @Column('bytea', { name: 'previous_sha256', nullable: true }) previousSha256!: Buffer | null;
  @Column('bigint', { name: 'audit_seq' }) auditSeq!: string;
  @Column('bytea', { name: 'audit_head_hash' }) auditHeadHash!: Buffer;
  @Column('text', { name: 'signer_key' }) signerKey!: string;
  @Column('bytea', { name: 'signer_cert_sha256' }) signerCertSha256!: Buffer;
  @Column('int') entries!: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** An escrowed VSC version archived in a volume (each version in exactly one). */
@Entity('archive_entry')
export class ArchiveEntryEntity {
  @PrimaryColumn('uuid', { name: 'vsc_id' }) vscId!: string;
  @PrimaryColumn('int') version!: number;
  @Column('int') volume!: number;
  @Column('text') path!: string;
  @Column('bytea') sha256!: Buffer;
  @Column('int') size!: number;
  @Column('text', { name: 'card_serial', nullable: true }) cardSerial!: string | null;
}
