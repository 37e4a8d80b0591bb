import type { Command } from 'commander';
import { hsmSchema, loadConfig, stateSchema } from '@scm/config';
import { BackupError, checkBackup, createBackup, restoreBackup, softHsmTokenDir, type BackupManifest } from '@scm/archive';
import { CliError, printJson } from '../output';
import { readSecret } from '../prompt';
import { adminSchema } from './db.command';

const passphrase = (file: string | undefined, confirm: boolean): Promise<string> =>
  readSecret({ file, envVar: 'SCM_BACKUP_PASSPHRASE', question: 'Backup passphrase: ', confirm });

/** Runs `fn`, turning a BackupError into a CliError with its code (exit 1). */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof BackupError) throw new CliError(`${e.message} (${e.code})`, 1);
    throw e;
  }
}

const describe = (m: BackupManifest): string =>
  [
    `created ${m.createdAt}`,
    m.database ? `database ${m.database.name} (${m.database.tool})` : 'no database',
    m.hsm ? `HSM token "${m.hsm.tokenLabel}" (${m.parts.filter((p) => p.kind === 'hsm-token-file').length} files)` : 'no HSM token',
  ].join('; ');

export function registerBackup(program: Command): void {
  const backup = program
    .command('backup')
    .description(
      'Back up the database (one pg_dump snapshot) and the HSM token files, encrypted under a passphrase (Argon2id, AES-256-GCM), ' +
        'with an authenticated manifest of hashes (server-side; docs/operations.md)',
    )
    .option('--out <dir>', 'where to create the backup directory (default <state dir>/backups)')
    .option('--passphrase-file <file>', 'file holding the passphrase (else $SCM_BACKUP_PASSPHRASE, else a prompt)')
    .option('--no-database', 'leave the database out')
    .option('--no-hsm', 'leave the HSM token out')
    .option('--json', 'machine-readable output')
    .action(async (o: { out?: string; passphraseFile?: string; database: boolean; hsm: boolean; json?: boolean }) => {
      const cfg = loadConfig({ ...stateSchema, ...adminSchema, ...hsmSchema });
      const pass = await passphrase(o.passphraseFile, true);
      const r = await guarded(() =>
        createBackup({
          outDir: o.out ?? `${cfg.SCM_STATE_DIR}/backups`,
          passphrase: pass,
          databaseUrl: o.database ? cfg.SCM_DATABASE_OWNER_URL : undefined,
          token: o.hsm ? { label: cfg.SCM_PKCS11_TOKEN_LABEL } : undefined,
        }),
      );
      if (o.json) printJson({ directory: r.dir, manifest: r.manifest });
      else process.stdout.write(`backup written to ${r.dir}: ${describe(r.manifest)}\n`);
    });

  backup
    .command('check <dir>')
    .description('Check a backup: its manifest authenticates under the passphrase, every file has its hash and its GCM tag')
    .option('--passphrase-file <file>', 'file holding the passphrase')
    .action(async (dir: string, o: { passphraseFile?: string }) => {
      const pass = await passphrase(o.passphraseFile, false);
      const m = await guarded(() => checkBackup(dir, pass));
      process.stdout.write(`OK: ${dir}: ${describe(m)}\n`);
    });

  backup
    .command('restore <dir>')
    .description(
      'Restore a backup: the database into an empty database (pg_restore in one transaction, as the superuser of SCM_DATABASE_ADMIN_URL) ' +
        'and the HSM token files into the SoftHSM2 token directory; everything is authenticated before anything is written',
    )
    .option('--passphrase-file <file>', 'file holding the passphrase')
    .option('--database-name <name>', 'restore into this database (default: the one the backup was made of)')
    .option('--token-dir <dir>', 'SoftHSM2 token directory (default: directories.tokendir of softhsm2.conf)')
    .option('--only <part>', 'restore only the database or only the HSM token (database | hsm)', (v) => {
      if (v !== 'database' && v !== 'hsm') throw new CliError(`--only: "${v}" is neither database nor hsm`, 2);
      return v;
    })
    .option('--force', 'drop and recreate a database that holds tables; replace a token with the same label')
    .action(
      async (
        dir: string,
        o: { passphraseFile?: string; databaseName?: string; tokenDir?: string; only?: 'database' | 'hsm'; force?: boolean },
      ) => {
        const cfg = loadConfig({ ...stateSchema, ...adminSchema });
        const pass = await passphrase(o.passphraseFile, false);
        const r = await guarded(() =>
          restoreBackup(dir, {
            passphrase: pass,
            adminUrl: o.only !== 'hsm' ? cfg.SCM_DATABASE_ADMIN_URL : undefined,
            database: o.databaseName ?? new URL(cfg.SCM_DATABASE_OWNER_URL).pathname.slice(1),
            owner: decodeURIComponent(new URL(cfg.SCM_DATABASE_OWNER_URL).username) || undefined,
            tokenDir: o.only !== 'database' ? (o.tokenDir ?? softHsmTokenDir()) : undefined,
            force: o.force,
          }),
        );
        process.stdout.write(
          `restored from ${dir} (${describe(r.manifest)}):` +
            `${r.database ? ` database ${r.database};` : ''}${r.tokenDir ? ` HSM token files in ${r.tokenDir};` : ''}\n` +
            'then: scm db setup (pending migrations), scm archive volumes --check, scm audit verify\n',
        );
      },
    );
}
