import { spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hashRaw } from '@node-rs/argon2';

/**
 * A backup of SCM's state that needs more than the archive volumes (docs/operations.md, "Backup
 * and restore"): the PostgreSQL database as one pg_dump snapshot (custom format: one transaction)
 * and the HSM token's files (SoftHSM2: the token's directory), each part encrypted with
 * AES-256-GCM under a key derived from the operator's passphrase with Argon2id, and a manifest of
 * their SHA-256 hashes authenticated under the same passphrase. Nothing is written in plaintext:
 * the dump streams from pg_dump through the cipher to the file, and back through the decipher
 * into pg_restore.
 */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export enum BackupErrorCode {
  /** The passphrase is too short. */
  WeakPassphrase = 'backup.weak-passphrase',
  /** The manifest or a part does not authenticate: wrong passphrase, or changed. */
  NotAuthentic = 'backup.not-authentic',
  /** A part is missing or its hash differs from the manifest. */
  Damaged = 'backup.damaged',
  /** The database to restore into holds tables (restore refuses without --force). */
  DatabaseNotEmpty = 'backup.database-not-empty',
  /** The token to restore exists already (refused without --force). */
  TokenExists = 'backup.token-exists',
  /** pg_dump, pg_restore or the token directory failed. */
  ToolFailed = 'backup.tool-failed',
  /** Not a backup directory of this format. */
  Invalid = 'backup.invalid',
}

export const BACKUP_FORMAT = 'scm-backup/1';
export const BACKUP_MANIFEST = 'MANIFEST.json';
export const MIN_PASSPHRASE = 12;
/** Argon2id parameters (RFC 9106's second recommended option, 64 MiB). */
const KDF = { algorithm: 'argon2id', memoryCost: 65536, timeCost: 3, parallelism: 1 } as const;

export interface BackupPart {
  /** File name in the backup directory. */
  file: string;
  kind: 'database' | 'hsm-token-file';
  /** For token files: the file's name in the token directory. */
  name?: string;
  size: number;
  /** SHA-256 of the encrypted file. */
  sha256: string;
  nonce: string;
  tag: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  database: { name: string; tool: string } | null;
  hsm: { tokenLabel: string; tokenDirName: string } | null;
  kdf: { algorithm: 'argon2id'; memoryCost: number; timeCost: number; parallelism: number; salt: string };
  parts: BackupPart[];
}

/** The manifest file: the manifest and its HMAC under the passphrase's manifest key. */
interface ManifestFile {
  manifest: BackupManifest;
  mac: string;
}

interface Keys {
  part: (file: string) => Buffer;
  mac: Buffer;
}

async function deriveKeys(passphrase: string, kdf: BackupManifest['kdf']): Promise<Keys> {
  if (passphrase.length < MIN_PASSPHRASE)
    throw new BackupError(BackupErrorCode.WeakPassphrase, `the backup passphrase must have at least ${MIN_PASSPHRASE} characters`);
  const master = Buffer.from(
    await hashRaw(passphrase, {
      algorithm: 2, // Argon2id
      memoryCost: kdf.memoryCost,
      timeCost: kdf.timeCost,
      parallelism: kdf.parallelism,
      outputLen: 32,
      salt: Buffer.from(kdf.salt, 'hex'),
    }),
  );
  const sub = (info: string): Buffer => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { part: (file) => sub(`${BACKUP_FORMAT} part ${file}`), mac: sub(`${BACKUP_FORMAT} manifest`) };
}

const canonical = (m: BackupManifest): Buffer => Buffer.from(JSON.stringify(m));

/** Counts and hashes what passes through. */
class Tap extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.push(chunk);
    cb();
  }
}

/** Encrypts a stream into `path` (mode 0600); returns the part's record. */
async function encryptTo(
  src: Readable,
  dir: string,
  file: string,
  kind: BackupPart['kind'],
  keys: Keys,
  name?: string,
): Promise<BackupPart> {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.part(file), nonce);
  cipher.setAAD(Buffer.from(`${BACKUP_FORMAT}\0${file}`));
  const tap = new Tap();
  await pipeline(src, cipher, tap, createWriteStream(join(dir, file), { mode: 0o600 }));
  return {
    file,
    kind,
    ...(name ? { name } : {}),
    size: tap.size,
    sha256: tap.hash.digest('hex'),
    nonce: nonce.toString('hex'),
    tag: cipher.getAuthTag().toString('hex'),
  };
}

/** A part decrypted into `sink`; throws NotAuthentic when its tag fails (the sink has then seen unauthenticated bytes: check first). */
async function decryptInto(dir: string, part: BackupPart, keys: Keys, sink: Writable): Promise<void> {
  const decipher = createDecipheriv('aes-256-gcm', keys.part(part.file), Buffer.from(part.nonce, 'hex'));
  decipher.setAAD(Buffer.from(`${BACKUP_FORMAT}\0${part.file}`));
  decipher.setAuthTag(Buffer.from(part.tag, 'hex'));
  try {
    await pipeline(createReadStream(join(dir, part.file)), decipher, sink);
  } catch (e) {
    if ((e as Error).message.includes('authenticate'))
      throw new BackupError(BackupErrorCode.NotAuthentic, `${part.file} does not authenticate (changed, or another passphrase)`);
    throw e;
  }
}

const discard = (): Writable => new Writable({ write: (_c: Buffer, _e: BufferEncoding, cb: () => void) => cb() });

/** A connection URL without its password (which goes to the tool through PGPASSWORD, never the process list). */
function pgArgs(url: string): { uri: string; env: NodeJS.ProcessEnv; database: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return {
    uri: u.toString(),
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

function runTool(cmd: string, args: string[], env: NodeJS.ProcessEnv): { stdout: Readable; stdin: Writable; done: Promise<void> } {
  const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (e) => reject(new BackupError(BackupErrorCode.ToolFailed, `${cmd}: ${e.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new BackupError(BackupErrorCode.ToolFailed, `${cmd} ended with code ${code}: ${err.trim().slice(-500)}`)),
    );
  });
  return { stdout: child.stdout, stdin: child.stdin, done };
}

/** SoftHSM2's token directory, from $SOFTHSM2_CONF or /etc/softhsm/softhsm2.conf. */
export function softHsmTokenDir(): string {
  const conf = process.env.SOFTHSM2_CONF ?? '/etc/softhsm/softhsm2.conf';
  const m = /^\s*directories\.tokendir\s*=\s*(.+?)\s*$/m.exec(readFileSync(conf, 'utf8'));
  if (!m) throw new BackupError(BackupErrorCode.ToolFailed, `${conf} names no directories.tokendir`);
  return m[1];
}

/** The directory of the SoftHSM2 token with this label (its token.object holds the label padded to 32 bytes). */
export function findTokenDir(tokenDir: string, label: string): string | undefined {
  const needle = Buffer.from(label.padEnd(32, ' '));
  for (const d of readdirSync(tokenDir)) {
    const f = join(tokenDir, d, 'token.object');
    if (existsSync(f) && readFileSync(f).includes(needle)) return d;
  }
  return undefined;
}

export interface CreateBackupOptions {
  /** Directory to create the backup in (a new subdirectory scm-backup-<time>). */
  outDir: string;
  passphrase: string;
  /** The database, as its owner (pg_dump reads every table). */
  databaseUrl?: string;
  /** The HSM token to copy (SoftHSM2), by label. */
  token?: { label: string; tokenDir?: string };
  now?: Date;
}

/** Writes a backup; returns its directory and manifest. */
export async function createBackup(o: CreateBackupOptions): Promise<{ dir: string; manifest: BackupManifest }> {
  const kdf = { ...KDF, salt: randomBytes(16).toString('hex') };
  const keys = await deriveKeys(o.passphrase, kdf);
  const createdAt = (o.now ?? new Date()).toISOString();
  const dir = join(o.outDir, `scm-backup-${createdAt.replace(/[:.]/g, '')}`);
  const partial = `${dir}.partial`;
  await mkdir(partial, { recursive: true, mode: 0o700 });
  try {
    const parts: BackupPart[] = [];
    let database: BackupManifest['database'] = null;
    if (o.databaseUrl) {
      const pg = pgArgs(o.databaseUrl);
      // --format=custom: one consistent snapshot (pg_dump runs in one repeatable-read transaction).
      const dump = runTool('pg_dump', ['--format=custom', '--no-password', `--dbname=${pg.uri}`], pg.env);
      const [part] = await Promise.all([encryptTo(dump.stdout, partial, 'database.dump.enc', 'database', keys), dump.done]);
      parts.push(part);
      database = { name: pg.database, tool: 'pg_dump --format=custom' };
    }
    let hsm: BackupManifest['hsm'] = null;
    if (o.token) {
      const tokenDir = o.token.tokenDir ?? softHsmTokenDir();
      const d = findTokenDir(tokenDir, o.token.label);
      if (!d) throw new BackupError(BackupErrorCode.ToolFailed, `no SoftHSM2 token labelled "${o.token.label}" in ${tokenDir}`);
      for (const f of (await readdir(join(tokenDir, d))).sort()) {
        if (!(await stat(join(tokenDir, d, f))).isFile()) continue;
        parts.push(await encryptTo(createReadStream(join(tokenDir, d, f)), partial, `hsm-${f}.enc`, 'hsm-token-file', keys, f));
      }
      hsm = { tokenLabel: o.token.label, tokenDirName: d };
    }
    const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt, database, hsm, kdf, parts };
    const file: ManifestFile = { manifest, mac: createHmac('sha256', keys.mac).update(canonical(manifest)).digest('hex') };
    await writeFile(join(partial, BACKUP_MANIFEST), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(partial, dir);
    return { dir, manifest };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}

/** Reads and authenticates a backup's manifest, and checks every part's hash; returns the manifest and keys. */
export async function openBackup(dir: string, passphrase: string): Promise<{ manifest: BackupManifest; keys: Keys }> {
  let file: ManifestFile;
  try {
    file = JSON.parse(await readFile(join(dir, BACKUP_MANIFEST), 'utf8')) as ManifestFile;
  } catch (e) {
    throw new BackupError(BackupErrorCode.Invalid, `${dir} is not a backup: ${BACKUP_MANIFEST} does not read (${(e as Error).message})`);
  }
  const m = file?.manifest;
  if (m?.format !== BACKUP_FORMAT || !m.kdf || !Array.isArray(m.parts) || typeof file.mac !== 'string')
    throw new BackupError(BackupErrorCode.Invalid, `${dir} is not a backup of format ${BACKUP_FORMAT}`);
  const keys = await deriveKeys(passphrase, m.kdf);
  const mac = createHmac('sha256', keys.mac).update(canonical(m)).digest();
  const given = Buffer.from(file.mac, 'hex');
  if (given.length !== mac.length || !timingSafeEqual(given, mac))
    throw new BackupError(
      BackupErrorCode.NotAuthentic,
      'the backup manifest does not authenticate (another passphrase, or the manifest changed)',
    );
  for (const p of m.parts) {
    if (!/^[A-Za-z0-9._-]+$/.test(p.file) || (p.name !== undefined && !/^[A-Za-z0-9._-]+$/.test(p.name)))
      throw new BackupError(BackupErrorCode.Invalid, `a part has an unusable name: ${p.file}`);
    const tap = new Tap();
    try {
      await pipeline(createReadStream(join(dir, p.file)), tap, discard());
    } catch (e) {
      throw new BackupError(
        BackupErrorCode.Damaged,
        `${p.file} is missing or unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    if (tap.size !== p.size || tap.hash.digest('hex') !== p.sha256)
      throw new BackupError(BackupErrorCode.Damaged, `${p.file} is not the file the manifest names (size or SHA-256 differs)`);
  }
  return { manifest: m, keys };
}

/** Checks a backup end to end: manifest, hashes, and every part's GCM tag (nothing decrypted is kept). */
export async function checkBackup(dir: string, passphrase: string): Promise<BackupManifest> {
  const { manifest, keys } = await openBackup(dir, passphrase);
  for (const p of manifest.parts) await decryptInto(dir, p, keys, discard());
  return manifest;
}

export interface RestoreOptions {
  passphrase: string;
  /** Restore the database into this database (as a superuser: the dump keeps its owners and grants). */
  adminUrl?: string;
  database?: string;
  /** Restore the HSM token's files into this SoftHSM2 token directory. */
  tokenDir?: string;
  /** The role that owns the recreated database (the dump keeps the owners of what is in it). */
  owner?: string;
  /** Replace a non-empty database / an existing token. */
  force?: boolean;
}

/**
 * Restores a backup: every part is authenticated first (manifest MAC, hashes, GCM tags), then the
 * database goes through pg_restore in one transaction into an empty (or, with force, recreated)
 * database, and the token's files into the token directory.
 */
export async function restoreBackup(
  dir: string,
  o: RestoreOptions,
): Promise<{ manifest: BackupManifest; database?: string; tokenDir?: string; tables: number }> {
  const manifest = await checkBackup(dir, o.passphrase);
  const { keys } = await openBackup(dir, o.passphrase);
  const out: { manifest: BackupManifest; database?: string; tokenDir?: string; tables: number } = { manifest, tables: 0 };
  const db = manifest.parts.find((p) => p.kind === 'database');
  if (o.adminUrl && db) {
    const name = o.database ?? manifest.database?.name;
    if (!name || !/^[A-Za-z0-9_]{1,63}$/.test(name)) throw new BackupError(BackupErrorCode.Invalid, `unusable database name "${name}"`);
    const admin = new URL(o.adminUrl);
    const { Client } = await import('pg');
    const c = new Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount! > 0;
      let tables = 0;
      if (exists) {
        const target = new URL(admin.toString());
        target.pathname = `/${name}`;
        const t = new Client({ connectionString: target.toString() });
        await t.connect();
        try {
          tables = Number(
            (
              await t.query<{ n: string }>(
                `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p') AND s.nspname NOT IN ('pg_catalog', 'information_schema')`,
              )
            ).rows[0].n,
          );
        } finally {
          await t.end();
        }
      }
      if (tables > 0 && !o.force)
        throw new BackupError(
          BackupErrorCode.DatabaseNotEmpty,
          `database ${name} holds ${tables} tables: restore refuses to write over it (--force drops and recreates it)`,
        );
      if (exists && (tables > 0 || o.force)) await c.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      if (o.owner && !/^[A-Za-z0-9_]{1,63}$/.test(o.owner))
        throw new BackupError(BackupErrorCode.Invalid, `unusable role name "${o.owner}"`);
      if (!exists || tables > 0 || o.force) await c.query(`CREATE DATABASE "${name}"${o.owner ? ` OWNER "${o.owner}"` : ''}`);
    } finally {
      await c.end();
    }
    const target = new URL(admin.toString());
    target.pathname = `/${name}`;
    const pg = pgArgs(target.toString());
    const restore = runTool('pg_restore', ['--exit-on-error', '--single-transaction', '--no-password', `--dbname=${pg.uri}`], pg.env);
    await Promise.all([decryptInto(dir, db, keys, restore.stdin), restore.done]);
    out.database = name;
  }
  const tokenParts = manifest.parts.filter((p) => p.kind === 'hsm-token-file');
  if (o.tokenDir && manifest.hsm && tokenParts.length) {
    const existing = findTokenDir(o.tokenDir, manifest.hsm.tokenLabel);
    if (existing && !o.force)
      throw new BackupError(
        BackupErrorCode.TokenExists,
        `a token labelled "${manifest.hsm.tokenLabel}" exists in ${o.tokenDir} (${existing}): restore refuses to replace it (--force)`,
      );
    const target = join(o.tokenDir, manifest.hsm.tokenDirName);
    const staging = `${target}.restoring`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { mode: 0o700 });
    for (const p of tokenParts) await decryptInto(dir, p, keys, createWriteStream(join(staging, p.name!), { mode: 0o600 }));
    if (existing) await rm(join(o.tokenDir, existing), { recursive: true, force: true });
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    await chmod(target, 0o700);
    out.tokenDir = target;
  }
  return out;
}
