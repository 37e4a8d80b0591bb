import type { Command } from 'commander';
import { databaseSchema, loadConfig, str, url } from '@scm/config';
import { provisionDatabase } from '@scm/db';

export const adminSchema = {
  ...databaseSchema,
  SCM_DATABASE_ADMIN_URL: url(
    'Superuser URL used by setup to create roles and databases',
    'postgres://postgres@127.0.0.1:5432/postgres',
    ['postgres:', 'postgresql:'],
    { secret: true, passwordFileVar: 'SCM_DATABASE_ADMIN_PASSWORD_FILE' },
  ),
  SCM_DATABASE_ADMIN_PASSWORD_FILE: str("File holding the superuser's password (replaces any password in SCM_DATABASE_ADMIN_URL)", ''),
};

export function registerDb(program: Command): void {
  const db = program.command('db').description('Database set-up and migrations');
  db.command('setup')
    .description(
      "Create the roles and the database when missing, set the roles' passwords (SCRAM) when their URLs or password files give one, " +
        'then run pending migrations (idempotent)',
    )
    .option('--recreate', 'drop and recreate the database first (test databases only)')
    .option('-q, --quiet', 'print nothing when there is nothing to do')
    .action(async (o: { recreate?: boolean; quiet?: boolean }) => {
      const cfg = loadConfig(adminSchema);
      const lines: string[] = [];
      const applied = await provisionDatabase({
        adminUrl: cfg.SCM_DATABASE_ADMIN_URL,
        ownerUrl: cfg.SCM_DATABASE_OWNER_URL,
        appUrl: cfg.SCM_DATABASE_URL,
        recreate: o.recreate,
        log: (l) => lines.push(l),
      });
      for (const l of lines) process.stdout.write(`${l}\n`);
      if (!o.quiet || applied.length > 0)
        process.stdout.write(`database ${new URL(cfg.SCM_DATABASE_OWNER_URL).pathname.slice(1)}: ${applied.length} migration(s) applied\n`);
    });
}
