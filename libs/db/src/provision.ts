import { Client } from 'pg';
import { createDataSource } from './data-source';
import { scramSha256Verifier } from './scram';

export const OWNER_ROLE = 'scm_owner';
export const APP_ROLE = 'scm_app';

export interface ProvisionOptions {
  /** Superuser URL used only to create roles and the database. */
  adminUrl: string;
  /** The owner's URL; its database name is the one created. A password in it becomes the owner role's. */
  ownerUrl: string;
  /** The application role's URL: a password in it becomes that role's (otherwise its password is left alone). */
  appUrl?: string;
  /** Drop and recreate the database first (test databases only). */
  recreate?: boolean;
  log?: (line: string) => void;
}

const ident = (s: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`unsafe SQL identifier: ${s}`);
  return `"${s}"`;
};

/** A verifier as a SQL literal (base64, digits, '$', ':' and '/'; nothing to escape, checked). */
const literal = (s: string): string => {
  if (!/^[A-Za-z0-9+/=$:-]+$/.test(s)) throw new Error('unexpected character in a SCRAM verifier');
  return `'${s}'`;
};

/**
 * Idempotent: creates the owner and application roles and the database when missing, then runs
 * pending migrations as the owner. Returns the names of the migrations it applied.
 */
export async function provisionDatabase(o: ProvisionOptions): Promise<string[]> {
  const log = o.log ?? (() => undefined);
  const dbName = new URL(o.ownerUrl).pathname.replace(/^\//, '');
  const admin = new Client({ connectionString: o.adminUrl });
  await admin.connect();
  try {
    for (const [role, url] of [
      [OWNER_ROLE, o.ownerUrl],
      [APP_ROLE, o.appUrl],
    ] as const) {
      const r = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (r.rowCount === 0) {
        await admin.query(`CREATE ROLE ${ident(role)} LOGIN`);
        log(`created role ${role}`);
      }
      const password = url ? decodeURIComponent(new URL(url).password) : '';
      if (password) {
        // Set on every run, so a rotated secret takes effect at the next `db setup`. Only the
        // SCRAM verifier is sent; PostgreSQL stores it as is.
        await admin.query(`ALTER ROLE ${ident(role)} PASSWORD ${literal(scramSha256Verifier(password))}`);
      }
    }
    if (o.recreate) {
      await admin.query(`DROP DATABASE IF EXISTS ${ident(dbName)} WITH (FORCE)`);
    }
    const d = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (d.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${ident(dbName)} OWNER ${ident(OWNER_ROLE)}`);
      log(`created database ${dbName}`);
    }
  } finally {
    await admin.end();
  }
  // The public schema belongs to the database owner; the app role may use it, not create in it.
  const owner = new Client({ connectionString: o.ownerUrl });
  await owner.connect();
  try {
    await owner.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await owner.query(`GRANT USAGE ON SCHEMA public TO ${ident(APP_ROLE)}`);
  } finally {
    await owner.end();
  }
  const ds = createDataSource(o.ownerUrl, 2);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    for (const m of applied) log(`migrated ${m.name}`);
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
