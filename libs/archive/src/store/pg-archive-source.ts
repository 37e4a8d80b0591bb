import type { Queryable } from '@scm/audit';
import type { ManifestEntry } from '../format/manifest.codec';
import type { ArchiveSource, PendingVersion, VolumeRecord } from '../seal/archive-ports';
import { ISSUED_CARD_STATES, type ArchivedCopy, type IssuedCard } from '../volume/reconcile';

// One lock for sealing: volumes are numbered and chained, so two seals never interleave.
const ARCHIVE_LOCK = 0x5c4d_a4c1;

type Rows<T> = Promise<T[]>;

/**
 * The archive's tables in PostgreSQL (migration `archive`) over the escrow (`vsc_version`) and
 * cards: the ArchiveSource sealing uses, and what listings, reconciliation and recovery read.
 * Runs every statement on the given connection or transaction.
 */
export class PgArchiveSource implements ArchiveSource {
  constructor(readonly db: Queryable) {}

  private q<T>(sql: string, params: unknown[] = []): Rows<T> {
    return this.db.query(sql, params) as Rows<T>;
  }

  async lock(): Promise<void> {
    await this.q('SELECT pg_advisory_xact_lock($1)', [ARCHIVE_LOCK]);
  }

  async lastVolume(): Promise<{ volume: number; imageSha256: string } | null> {
    const r = await this.q<{ volume: number; image_sha256: Buffer }>(
      'SELECT volume, image_sha256 FROM archive_volume ORDER BY volume DESC LIMIT 1',
    );
    return r.length ? { volume: r[0].volume, imageSha256: r[0].image_sha256.toString('hex') } : null;
  }

  /**
   * Through a cursor in the caller's transaction: one snapshot, one sort, a batch fetched at a
   * time. The order is that of the paths in a volume (VSC id, then the version as text).
   */
  async *pendingVersions(batch: number): AsyncGenerator<PendingVersion[]> {
    await this.q(
      `DECLARE scm_archive_pending NO SCROLL CURSOR FOR
       SELECT v.vsc_id, v.version, v.sha256,
              (SELECT c.serial FROM card c WHERE c.vsc_id = v.vsc_id AND c.serial IS NOT NULL AND c.state <> 'spoiled'
                ORDER BY c.state_changed_at DESC LIMIT 1) AS card_serial
         FROM vsc_version v
        WHERE v.escrowed_at IS NOT NULL AND v.purged_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM archive_entry a WHERE a.vsc_id = v.vsc_id AND a.version = v.version)
        ORDER BY v.vsc_id, v.version::text COLLATE "C"`,
    );
    let open = true;
    try {
      for (;;) {
        const rows = await this.q<{ vsc_id: string; version: number; sha256: Buffer; card_serial: string | null }>(
          `FETCH ${Math.max(1, Math.floor(batch))} FROM scm_archive_pending`,
        );
        if (!rows.length) break;
        yield rows.map((r) => ({ vscId: r.vsc_id, version: r.version, sha256: r.sha256, cardSerial: r.card_serial }));
      }
      await this.q('CLOSE scm_archive_pending');
      open = false;
    } finally {
      // Left early (the seal failed): close it unless the failure aborted the transaction, whose end closes it.
      if (open) await this.q('CLOSE scm_archive_pending').catch(() => undefined);
    }
  }

  async contents(versions: readonly PendingVersion[]): Promise<Buffer[]> {
    const rows = await this.q<{ vsc_id: string; version: number; content: Buffer }>(
      `SELECT v.vsc_id, v.version, v.content FROM vsc_version v
         JOIN unnest($1::uuid[], $2::int[]) AS k(vsc_id, version) ON k.vsc_id = v.vsc_id AND k.version = v.version`,
      [versions.map((v) => v.vscId), versions.map((v) => v.version)],
    );
    const by = new Map(rows.map((r) => [`${r.vsc_id}/${r.version}`, r.content]));
    return versions.map((v) => by.get(`${v.vscId}/${v.version}`) as Buffer);
  }

  async recordVolume(
    v: VolumeRecord,
    entries: AsyncIterable<readonly ManifestEntry[]> | Iterable<readonly ManifestEntry[]>,
  ): Promise<void> {
    await this.q(
      `INSERT INTO archive_volume (volume, volume_id, image_name, sidecar_name, directory, image_sha256, image_size, manifest_sha256,
         previous_volume, previous_sha256, audit_seq, audit_head_hash, signer_key, signer_cert_sha256, entries, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
      [
        v.volume,
        v.volumeId,
        v.imageName,
        v.sidecarName,
        v.directory,
        Buffer.from(v.imageSha256, 'hex'),
        v.imageSize,
        Buffer.from(v.manifestSha256, 'hex'),
        v.previous?.volume ?? null,
        v.previous ? Buffer.from(v.previous.imageSha256, 'hex') : null,
        v.audit.seq,
        Buffer.from(v.audit.headHash, 'hex'),
        v.signer.keyLabel,
        Buffer.from(v.signer.certificateSha256, 'hex'),
        v.entries,
        v.createdAt,
      ],
    );
    let recorded = 0;
    for await (const e of entries) {
      recorded += e.length;
      await this.q(
        `INSERT INTO archive_entry (vsc_id, version, volume, path, sha256, size, card_serial)
         SELECT k.vsc_id, k.version, $1, k.path, k.sha256, k.size, k.card_serial
           FROM unnest($2::uuid[], $3::int[], $4::text[], $5::bytea[], $6::int[], $7::text[]) AS k(vsc_id, version, path, sha256, size, card_serial)`,
        [
          v.volume,
          e.map((x) => x.vscId),
          e.map((x) => x.version),
          e.map((x) => x.path),
          e.map((x) => Buffer.from(x.sha256, 'hex')),
          e.map((x) => x.size),
          e.map((x) => x.cardSerial),
        ],
      );
    }
    if (recorded !== v.entries) throw new Error(`volume ${v.volume} holds ${v.entries} VSC versions, ${recorded} were given to record`);
  }

  /** Volumes, newest first. */
  async volumes(limit = 1000): Promise<StoredVolume[]> {
    const rows = await this.q<VolumeRow>(`SELECT * FROM archive_volume ORDER BY volume DESC LIMIT $1`, [limit]);
    return rows.map(toVolume);
  }

  async volume(n: number): Promise<StoredVolume | undefined> {
    const rows = await this.q<VolumeRow>(`SELECT * FROM archive_volume WHERE volume = $1`, [n]);
    return rows[0] && toVolume(rows[0]);
  }

  /** The volume holding a VSC version, if any. */
  async locate(vscId: string, version: number): Promise<(StoredVolume & { path: string; sha256: string }) | undefined> {
    const rows = await this.q<VolumeRow & { path: string; entry_sha256: Buffer }>(
      `SELECT v.*, a.path, a.sha256 AS entry_sha256 FROM archive_entry a JOIN archive_volume v ON v.volume = a.volume WHERE a.vsc_id = $1 AND a.version = $2`,
      [vscId, version],
    );
    return rows[0] && { ...toVolume(rows[0]), path: rows[0].path, sha256: rows[0].entry_sha256.toString('hex') };
  }

  /** Issued cards (see ISSUED_CARD_STATES) with the escrowed versions of their VSC. */
  async issuedCards(): Promise<IssuedCard[]> {
    const rows = await this.q<{
      id: string;
      serial: string | null;
      state: string;
      vsc_id: string | null;
      versions: Array<{ version: number; sha256: string; purged: boolean }> | null;
    }>(
      `SELECT c.id, c.serial, c.state, c.vsc_id,
              (SELECT json_agg(json_build_object('version', v.version, 'sha256', encode(v.sha256, 'hex'), 'purged', v.purged_at IS NOT NULL)
                         ORDER BY v.version)
                 FROM vsc_version v WHERE v.vsc_id = c.vsc_id AND v.escrowed_at IS NOT NULL) AS versions
         FROM card c WHERE c.state = ANY($1::text[]) ORDER BY c.created_at, c.id`,
      [[...ISSUED_CARD_STATES]],
    );
    return rows.map((r) => ({ cardId: r.id, serial: r.serial, state: r.state, vscId: r.vsc_id, versions: r.versions ?? [] }));
  }

  /** Every VSC version recorded as archived, with its volume. */
  async archivedCopies(): Promise<ArchivedCopy[]> {
    const rows = await this.q<{ volume: number; vsc_id: string; version: number; sha256: Buffer; card_serial: string | null }>(
      'SELECT volume, vsc_id, version, sha256, card_serial FROM archive_entry',
    );
    return rows.map((r) => ({
      volume: r.volume,
      vscId: r.vsc_id,
      version: r.version,
      sha256: r.sha256.toString('hex'),
      cardSerial: r.card_serial,
    }));
  }

  /** The archive key's certificate chain (signer first), if it has one. */
  async signerCertificates(keyLabel: string): Promise<{ certificates: Buffer[]; notAfter: Date } | undefined> {
    const rows = await this.q<{ certificates: Buffer[]; not_after: Date }>(
      `SELECT certificates, not_after FROM archive_signer WHERE key_label = $1 ORDER BY not_after DESC LIMIT 1`,
      [keyLabel],
    );
    return rows[0] && { certificates: rows[0].certificates, notAfter: rows[0].not_after };
  }

  async saveSignerCertificates(keyLabel: string, serial: string, certificates: Buffer[], notAfter: Date, at: Date): Promise<void> {
    await this.q(`INSERT INTO archive_signer (key_label, serial, certificates, not_after, created_at) VALUES ($1,$2,$3,$4,$5)`, [
      keyLabel,
      serial,
      certificates,
      notAfter,
      at,
    ]);
  }
}

export interface StoredVolume {
  volume: number;
  volumeId: string;
  imageName: string;
  sidecarName: string;
  directory: string;
  imageSha256: string;
  imageSize: number;
  manifestSha256: string;
  previous: { volume: number; imageSha256: string } | null;
  audit: { seq: number; headHash: string };
  signer: { keyLabel: string; certificateSha256: string };
  entries: number;
  createdAt: string;
}

type VolumeRow = {
  volume: number;
  volume_id: string;
  image_name: string;
  sidecar_name: string;
  directory: string;
  image_sha256: Buffer;
  image_size: string;
  manifest_sha256: Buffer;
  previous_volume: number | null;
  previous_sha256: Buffer | null;
  audit_seq: string;
  audit_head_hash: Buffer;
  signer_key: string;
  signer_cert_sha256: Buffer;
  entries: number;
  created_at: Date;
};

function toVolume(r: VolumeRow): StoredVolume {
  return {
    volume: r.volume,
    volumeId: r.volume_id,
    imageName: r.image_name,
    sidecarName: r.sidecar_name,
    directory: r.directory,
    imageSha256: r.image_sha256.toString('hex'),
    imageSize: Number(r.image_size),
    manifestSha256: r.manifest_sha256.toString('hex'),
    previous:
      r.previous_volume !== null && r.previous_sha256
        ? { volume: r.previous_volume, imageSha256: r.previous_sha256.toString('hex') }
        : null,
    audit: { seq: Number(r.audit_seq), headHash: r.audit_head_hash.toString('hex') },
    signer: { keyLabel: r.signer_key, certificateSha256: r.signer_cert_sha256.toString('hex') },
    entries: r.entries,
    createdAt: r.created_at.toISOString(),
  };
}
