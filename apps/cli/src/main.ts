import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '@scm/config';
import { CliError } from './output';

/** A module of commands: the top-level commands it registers, and how to load it. */
export interface CommandModule {
  names: readonly string[];
  load(): Promise<(program: Command) => void>;
}

/**
 * Every command module, in the order of `scm --help`. A run loads only the modules of the command
 * it was given (some pull in PKCS#11, TypeORM and X.509, which take longer to load than most
 * commands take to run); help, no command or an unknown one loads them all.
 * main.spec.ts checks the names against what each module registers.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['login', 'logout', 'whoami', 'passwd'], load: async () => (await import('./commands/auth.command')).registerAuth },
  { names: ['readers'], load: async () => (await import('./commands/readers.command')).registerReaders },
  { names: ['health'], load: async () => (await import('./commands/health.command')).registerHealth },
  { names: ['users'], load: async () => (await import('./commands/users.command')).registerUsers },
  { names: ['approvals'], load: async () => (await import('./commands/approvals.command')).registerApprovals },
  { names: ['worker'], load: async () => (await import('./commands/worker.command')).registerWorker },
  { names: ['audit'], load: async () => (await import('./commands/audit.command')).registerAudit },
  { names: ['report'], load: async () => (await import('./commands/report.command')).registerReport },
  { names: ['admin'], load: async () => (await import('./commands/admin.command')).registerAdmin },
  { names: ['hsm'], load: async () => (await import('./commands/hsm.command')).registerHsm },
  { names: ['db'], load: async () => (await import('./commands/db.command')).registerDb },
  { names: ['backup'], load: async () => (await import('./commands/backup.command')).registerBackup },
  { names: ['card'], load: async () => (await import('./commands/card-emulate.command')).registerCardEmulate },
  { names: ['vsc'], load: async () => (await import('./commands/vsc.command')).registerVsc },
  { names: ['card'], load: async () => (await import('./commands/card-backup.command')).registerCardBackup },
  { names: ['ca'], load: async () => (await import('./commands/ca.command')).registerCa },
  { names: ['stock'], load: async () => (await import('./commands/stock.command')).registerStock },
  { names: ['profile'], load: async () => (await import('./commands/profile.command')).registerProfile },
  { names: ['cardholder'], load: async () => (await import('./commands/cardholder.command')).registerCardholder },
  { names: ['cardholder'], load: async () => (await import('./commands/cardholder-lifecycle.command')).registerCardholderLifecycle },
  { names: ['issue'], load: async () => (await import('./commands/issue.command')).registerIssue },
  { names: ['request'], load: async () => (await import('./commands/request.command')).registerRequest },
  { names: ['card'], load: async () => (await import('./commands/card-spoil.command')).registerCardSpoil },
  { names: ['activate', 'activation'], load: async () => (await import('./commands/activate.command')).registerActivate },
  { names: ['card'], load: async () => (await import('./commands/card-show.command')).registerCardShow },
  { names: ['card'], load: async () => (await import('./commands/card-update.command')).registerCardUpdate },
  { names: ['archive'], load: async () => (await import('./commands/archive.command')).registerArchive },
  { names: ['card-report'], load: async () => (await import('./commands/card-report.command')).registerCardReport },
  { names: ['temporary-card'], load: async () => (await import('./commands/temporary-card.command')).registerTemporaryCard },
  { names: ['reissue'], load: async () => (await import('./commands/reissue.command')).registerReissue },
  { names: ['recover'], load: async () => (await import('./commands/recover.command')).registerRecover },
  { names: ['unblock'], load: async () => (await import('./commands/unblock.command')).registerUnblock },
];

/** The modules a run with these arguments needs (`argv` without node and the script). */
export function modulesFor(argv: readonly string[]): readonly CommandModule[] {
  const wanted = COMMAND_MODULES.filter((m) => m.names.includes(argv[0] ?? ''));
  return wanted.length ? wanted : COMMAND_MODULES;
}

/** The `scm` program with the commands of these modules. */
export async function buildProgram(modules: readonly CommandModule[] = COMMAND_MODULES): Promise<Command> {
  const program = new Command('scm')
    .description('SCM — Smart Card Manager: issue smart cards with Virtual Smart Card escrow, recover, audit')
    .showHelpAfterError('(run "scm --help" for the commands)')
    .exitOverride();
  for (const register of await Promise.all(modules.map((m) => m.load()))) register(program);
  return program;
}

async function main(): Promise<void> {
  const program = await buildProgram(modulesFor(process.argv.slice(2)));
  await program.parseAsync(process.argv);
}

if (require.main === module)
  main().catch((e: unknown) => {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    if (e instanceof CliError) {
      process.stderr.write(`scm: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`scm: ${e.message}\n`);
      process.exitCode = 78;
      return;
    }
    process.stderr.write(`scm: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
