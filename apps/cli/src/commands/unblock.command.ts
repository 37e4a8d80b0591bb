import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson } from '../output';
import { typePinAtWorkstation, type WorkstationPinOptions } from '../workstation-pin';

type Unblock = { id: string; serial: string; workstation: number; state: string; expiresAt: string };

/** `scm unblock start` (help desk, after an identity check) and `scm unblock pin` (the cardholder, at the workstation). */
export function registerUnblock(program: Command): void {
  const u = program
    .command('unblock')
    .description('PIN unblock: the cardholder chooses a new PIN at a workstation; its worker sets it with the escrowed PUK (never shown)');
  u.command('start')
    .description("After checking the cardholder's identity, open an unblock session for an active card at a workstation")
    .requiredOption('--card <serial>', "the card's serial")
    .requiredOption('--workstation <n>', 'the workstation where the cardholder types the new PIN')
    .requiredOption('--identity-check <text>', 'how the identity was checked (audited)')
    .option('--json', 'machine-readable output')
    .action(async (o: { card: string; workstation: string; identityCheck: string; json?: boolean }) => {
      const ws = Number(o.workstation);
      if (!Number.isInteger(ws) || ws < 0 || ws > 999) throw new CliError('--workstation is a number from 0 to 999');
      const r = await api<Unblock>('POST', '/api/v1/pin-unblocks', { card: o.card, workstation: ws, identityCheck: o.identityCheck });
      if (o.json) return printJson(r);
      process.stdout.write(`unblock session ${r.id} for card ${r.serial} open at workstation ${r.workstation} until ${r.expiresAt}\n`);
      process.stdout.write(`at that workstation the cardholder runs: bin/scm unblock pin --card ${r.serial}\n`);
    });
  u.command('pin')
    .description("The cardholder's side, at the workstation holding the card: type the new PIN (it goes to the card only)")
    .requiredOption('--card <serial>', "the card's serial")
    .option('--workstation <n>', 'this workstation (default: SCM_WORKSTATION or 0)')
    .option('--socket <path>', "the card worker's local socket (default: <state dir>/worker/ws<N>.activation.sock)")
    .option('--pin-stdin', 'read the PIN from standard input (first line) instead of the terminal')
    .action(async (o: WorkstationPinOptions) => {
      const serial = await typePinAtWorkstation(o, 'PIN unblock');
      process.stdout.write(`card ${serial}: the new PIN is set\n`);
    });
}
