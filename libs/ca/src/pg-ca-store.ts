import type { CertificateStatus, RevocationReason } from './ca.port';
import type { AuthorityRecord, CaStore, CertificateRecord, CrlRecord, StatusChange } from './ca-store.port';
import { CaError, CaErrorCode } from './ca-errors';

/**
 * Runs one SQL statement and returns its rows. TypeORM's `query` (DataSource, EntityManager) fits
 * for SELECT and INSERT; every UPDATE here is wrapped in a CTE so it answers rows too.
 */
export type SqlRunner = (sql: string, params?: unknown[]) => Promise<unknown[]>;

/** A runner over a node-postgres client (setup, tools). */
export const pgClientRunner =
  (c: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): SqlRunner =>
  async (sql, params) =>
    (await c.query(sql, params)).rows;

/** A row of ca_certificate as node-postgres returns it. */
export type CertificateRow = {
  ca_id: string;
  serial: string;
  template: string;
  subject: string;
  not_before: Date;
  not_after: Date;
  der: Buffer;
  status: CertificateStatus;
  reason: RevocationReason | null;
  revoked_at: Date | null;
  invalidity_date: Date | null;
  reference: Record<string, string> | null;
};

const toCert = (r: CertificateRow): CertificateRecord => ({
  caId: r.ca_id,
  serial: r.serial,
  template: r.template,
  subject: r.subject,
  notBefore: r.not_before,
  notAfter: r.not_after,
  der: r.der,
  status: r.status,
  ...(r.reason ? { reason: r.reason } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  ...(r.invalidity_date ? { invalidityDate: r.invalidity_date } : {}),
  ...(r.reference ? { reference: r.reference } : {}),
});

/**
 * The CA's state in PostgreSQL (tables ca_authority, ca_certificate, ca_crl_number, ca_crl).
 * Each method is one statement. The runner is looked up per call, so a caller can bind the store
 * to its own transaction (see CaTransactions): certificates issued for a VSC then commit with it.
 */
export class PgCaStore implements CaStore {
  constructor(private readonly runner: () => SqlRunner) {}

  private q<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.runner()(sql, params) as Promise<T[]>;
  }

  async putAuthority(rec: AuthorityRecord): Promise<void> {
    await this.q(
      `INSERT INTO ca_authority (ca_id, role, der, key_label, parent_id, updated_at) VALUES ($1,$2,$3,$4,$5,now())
       ON CONFLICT (ca_id) DO UPDATE SET role = EXCLUDED.role, der = EXCLUDED.der, key_label = EXCLUDED.key_label,
         parent_id = EXCLUDED.parent_id, updated_at = now()`,
      [rec.caId, rec.role, rec.der, rec.keyLabel ?? null, rec.parentId ?? null],
    );
  }

  async getAuthority(caId: string): Promise<AuthorityRecord | undefined> {
    const rows = await this.q<{
      ca_id: string;
      role: AuthorityRecord['role'];
      der: Buffer;
      key_label: string | null;
      parent_id: string | null;
    }>(`SELECT ca_id, role, der, key_label, parent_id FROM ca_authority WHERE ca_id = $1`, [caId]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      caId: r.ca_id,
      role: r.role,
      der: r.der,
      ...(r.key_label ? { keyLabel: r.key_label } : {}),
      ...(r.parent_id ? { parentId: r.parent_id } : {}),
    };
  }

  async insertCertificate(rec: CertificateRecord): Promise<void> {
    const rows = await this.q(
      `INSERT INTO ca_certificate (ca_id, serial, template, subject, not_before, not_after, der, status, reason, revoked_at, invalidity_date, reference)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (ca_id, serial) DO NOTHING RETURNING serial`,
      [
        rec.caId,
        rec.serial,
        rec.template,
        rec.subject,
        rec.notBefore,
        rec.notAfter,
        rec.der,
        rec.status,
        rec.reason ?? null,
        rec.revokedAt ?? null,
        rec.invalidityDate ?? null,
        rec.reference ? JSON.stringify(rec.reference) : null,
      ],
    );
    if (rows.length === 0) {
      throw new CaError(CaErrorCode.StoreConflict, `serial ${rec.serial} already exists in CA ${rec.caId}`, { serial: rec.serial });
    }
  }

  async getCertificate(caId: string, serial: string): Promise<CertificateRecord | undefined> {
    const rows = await this.q<CertificateRow>(`SELECT * FROM ca_certificate WHERE ca_id = $1 AND serial = $2`, [caId, serial]);
    return rows[0] && toCert(rows[0]);
  }

  async updateStatus(
    caId: string,
    serial: string,
    from: readonly CertificateStatus[],
    change: StatusChange,
  ): Promise<CertificateRecord | undefined> {
    const rows = await this.q<CertificateRow>(
      `WITH u AS (
         UPDATE ca_certificate SET status = $4, reason = $5, revoked_at = $6, invalidity_date = $7
          WHERE ca_id = $1 AND serial = $2 AND status = ANY($3::text[]) RETURNING *)
       SELECT * FROM u`,
      [caId, serial, [...from], change.status, change.reason ?? null, change.revokedAt ?? null, change.invalidityDate ?? null],
    );
    return rows[0] && toCert(rows[0]);
  }

  async listRevocations(caId: string, notExpiredAt: Date): Promise<CertificateRecord[]> {
    const rows = await this.q<CertificateRow>(
      `SELECT * FROM ca_certificate WHERE ca_id = $1 AND status <> 'valid' AND not_after >= $2 ORDER BY serial`,
      [caId, notExpiredAt],
    );
    return rows.map(toCert);
  }

  async nextCrlNumber(caId: string): Promise<number> {
    const rows = await this.q<{ last_number: string }>(
      `INSERT INTO ca_crl_number (ca_id, last_number) VALUES ($1, 1)
       ON CONFLICT (ca_id) DO UPDATE SET last_number = ca_crl_number.last_number + 1 RETURNING last_number`,
      [caId],
    );
    return Number(rows[0].last_number);
  }

  async saveCrl(rec: CrlRecord): Promise<void> {
    await this.q(
      `INSERT INTO ca_crl (ca_id, crl_number, this_update, next_update, der) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (ca_id, crl_number) DO NOTHING`,
      [rec.caId, rec.crlNumber, rec.thisUpdate, rec.nextUpdate, rec.der],
    );
  }

  async latestCrl(caId: string): Promise<CrlRecord | undefined> {
    const rows = await this.q<{ ca_id: string; crl_number: string; this_update: Date; next_update: Date; der: Buffer }>(
      `SELECT ca_id, crl_number, this_update, next_update, der FROM ca_crl WHERE ca_id = $1 ORDER BY crl_number DESC LIMIT 1`,
      [caId],
    );
    const r = rows[0];
    return r && { caId: r.ca_id, crlNumber: Number(r.crl_number), thisUpdate: r.this_update, nextUpdate: r.next_update, der: r.der };
  }
}
