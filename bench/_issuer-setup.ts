/**
 * The issuer side as the benchmarks that run the API set it up: a new, migrated database of the
 * benchmark's own, the HSM (whose VSC keys must be there), a CA hierarchy on keys of this run
 * (destroy them with `caKeys` at the end), and a security officer who can log in.
 */
import { randomUUID } from 'node:crypto';
import { PgCaStore, setupCaHierarchy } from '@scm/ca';
import { hashPassword } from '@scm/common';
import { createDataSource, provisionDatabase } from '@scm/db';
import { HsmContext, hsmSettingsFrom, type KeyRef } from '@scm/hsm';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { type ApiConfig, loadApiConfig } from '../apps/issuer-api/src';
import { requireVscKeys } from './_support';

export const BENCH_USER = 'bench';
export const BENCH_PASSWORD = 'bench password that is long enough';
const ADMIN = process.env.SCM_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchIssuer {
  /** postgres URLs of the benchmark's database as the owner and as the application. */
  ownerUrl: string;
  /** The environment the benchmark's API instances start from. */
  base: Record<string, string | undefined>;
  cfg: ApiConfig;
  ds: DataSource;
  hsm: HsmContext;
  caKeys: KeyRef[];
}

/**
 * The application's Redis user may touch only keys under `scm:` (ACL ~scm:*): a benchmark keeps the
 * default prefix and takes a Redis database of its own instead of another prefix, which every queue
 * call would have answered with NOPERM (the job then never runs).
 */
export const BENCH_REDIS_PREFIX = 'scm';

/** The configured Redis URL with database `db` (a benchmark's own). */
export function benchRedisUrl(db: number | string): string {
  const u = new URL(loadApiConfig({ ...process.env, SCM_HTTP_PORT: '1' }).SCM_REDIS_URL);
  u.password = ''; // loadApiConfig adds it again from SCM_REDIS_PASSWORD_FILE
  u.pathname = `/${db}`;
  return u.toString();
}

/** Removes every key of the benchmark's Redis database (what a previous run left in its queues). */
export async function clearBenchRedis(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  try {
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${BENCH_REDIS_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

export async function benchIssuer(database: string, redisDb: number | string, env: Record<string, string> = {}): Promise<BenchIssuer> {
  const ownerUrl = `postgres://scm_owner@127.0.0.1:5432/${database}`;
  const appUrl = `postgres://scm_app@127.0.0.1:5432/${database}`;
  await provisionDatabase({ adminUrl: ADMIN, ownerUrl, recreate: true });
  const ds = createDataSource(appUrl, 4);
  await ds.initialize();
  const base = {
    ...process.env,
    SCM_DATABASE_URL: appUrl,
    SCM_DATABASE_OWNER_URL: ownerUrl,
    SCM_REDIS_PREFIX: BENCH_REDIS_PREFIX,
    SCM_REDIS_URL: benchRedisUrl(redisDb),
    SCM_LOG_LEVEL: 'error',
    SCM_HTTP_PORT: '1',
    ...env,
  };
  const cfg = loadApiConfig({ ...base });
  const hsm = HsmContext.open(hsmSettingsFrom(cfg));
  const caKeys: KeyRef[] = ['root', 'issuing', 'signer'].map((k) => ({ label: `bench-${process.pid}-${k}`, version: 1 }));
  await requireVscKeys(hsm, cfg.SCM_PKCS11_TOKEN_LABEL);
  await setupCaHierarchy(hsm, new PgCaStore(() => (sql, p) => ds.query(sql, p) as Promise<unknown[]>), {
    organization: 'SCM Bench',
    publicBaseUrl: 'http://pki.bench.invalid',
    rootKey: caKeys[0],
    issuingKey: caKeys[1],
    contentSignerKey: caKeys[2],
  });
  const userId = randomUUID();
  await ds.query(
    `INSERT INTO app_user (id, username, display_name, password_hash, disabled, created_at, password_changed_at) VALUES ($1,$2,'Bench',$3,false,now(),now())`,
    [userId, BENCH_USER, await hashPassword(BENCH_PASSWORD)],
  );
  await ds.query(`INSERT INTO user_role (id, user_id, role, status, requested_at) VALUES ($1,$2,'security-officer','active',now())`, [
    randomUUID(),
    userId,
  ]);
  return { ownerUrl, base, cfg, ds, hsm, caKeys };
}
