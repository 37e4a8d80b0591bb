import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '@scm/config';
import { registerAdmin } from './commands/admin.command';
import { registerApprovals } from './commands/approvals.command';
import { registerAudit } from './commands/audit.command';
import { registerAuth } from './commands/auth.command';
import { registerDb } from './commands/db.command';
import { registerHsm } from './commands/hsm.command';
import { registerUsers } from './commands/users.command';
import { registerWorker } from './commands/worker.command';
import { registerHealth } from './commands/health.command';
import { registerReaders } from './commands/readers.command';
import { registerReport } from './commands/report.command';
import { registerCardEmulate } from './commands/card-emulate.command';
import { registerVsc } from './commands/vsc.command';
import { registerCardBackup } from './commands/card-backup.command';
import { registerCa } from './commands/ca.command';
import { registerCardholder } from './commands/cardholder.command';
import { registerIssue } from './commands/issue.command';
import { registerProfile } from './commands/profile.command';
import { registerRequest } from './commands/request.command';
import { registerCardSpoil } from './commands/card-spoil.command';
import { registerActivate } from './commands/activate.command';
import { registerCardShow } from './commands/card-show.command';
import { registerArchive } from './commands/archive.command';
import { registerCardReport } from './commands/card-report.command';
import { registerTemporaryCard } from './commands/temporary-card.command';
import { registerReissue } from './commands/reissue.command';
import { registerRecover } from './commands/recover.command';
import { registerUnblock } from './commands/unblock.command';
import { CliError } from './output';

const program = new Command('scm')
  .description('SCM — Smart Card Manager: issue smart cards with Virtual Smart Card escrow, recover, audit')
  .showHelpAfterError('(run "scm --help" for the commands)')
  .exitOverride();

registerAuth(program);
registerReaders(program);
registerHealth(program);
registerUsers(program);
registerApprovals(program);
registerWorker(program);
registerAudit(program);
registerReport(program);
registerAdmin(program);
registerHsm(program);
registerDb(program);
registerCardEmulate(program);
registerVsc(program);
registerCardBackup(program);
registerCa(program);
registerProfile(program);
registerCardholder(program);
registerIssue(program);
registerRequest(program);
registerCardSpoil(program);
registerActivate(program);
registerCardShow(program);
registerArchive(program);
registerCardReport(program);
registerTemporaryCard(program);
registerReissue(program);
registerRecover(program);
registerUnblock(program);

program.parseAsync(process.argv).catch((e: unknown) => {
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
