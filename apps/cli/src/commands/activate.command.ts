import type { Command } from 'commander';
import { api } from '../api-client';
import { printJson, table } from '../output';
import { typePinAtWorkstation, type WorkstationPinOptions } from '../workstation-pin';

type Activation = {
  id: string;
  cardId: string;
  serial: string;
  workstation: number;
  state: string;
  startedBy: string;
  identityCheck: string;
  expiresAt: string;
  closedAt: string | null;
  failure: string | null;
};

export function registerActivate(program: Command): void {
  program
    .command('activate')
    .description(
      "The cardholder's side of activation, run at the workstation where the card is: asks for the new PIN on this terminal and " +
        "hands it to this workstation's card worker over its local socket; the worker sets it on the card with the escrowed PUK. " +
        'An officer or the help desk must first open the activation (scm activation start) after checking identity. ' +
        'The PIN never goes to the API.',
    )
    .requiredOption('--card <serial>', "the card's serial")
    .option('--workstation <n>', 'this workstation (default: SCM_WORKSTATION or 0)')
    .option('--socket <path>', "the card worker's activation socket (default: <state dir>/worker/ws<N>.activation.sock)")
    .option('--pin-stdin', 'read the PIN from standard input (first line) instead of asking on the terminal')
    .action(async (o: WorkstationPinOptions) => {
      const serial = await typePinAtWorkstation(o, 'activation');
      process.stdout.write(`card ${serial} is active: its PIN is set\n`);
    });

  const activation = program
    .command('activation')
    .description('Activation sessions: opened by an officer or the help desk after an identity check');
  activation
    .command('start')
    .description("After checking the cardholder's identity, let them set the PIN of an issued card at a workstation (scm activate there)")
    .requiredOption('--card <serial>', "the card's serial")
    .requiredOption('--workstation <n>', 'the workstation where the cardholder types the PIN')
    .requiredOption('--identity-check <text>', 'how the identity was checked (kept in the audit trail)')
    .option('--json', 'machine-readable output')
    .action(async (o: { card: string; workstation: string; identityCheck: string; json?: boolean }) => {
      const r = await api<Activation>('POST', '/api/v1/activations', {
        card: o.card,
        workstation: Number(o.workstation),
        identityCheck: o.identityCheck,
      });
      if (o.json) return printJson(r);
      process.stdout.write(`activation ${r.id} of card ${r.serial} open at workstation ${r.workstation} until ${r.expiresAt}\n`);
      process.stdout.write(`at that workstation: bin/scm activate --card ${r.serial}\n`);
    });
  activation
    .command('show')
    .argument('<id>', 'activation id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const r = await api<Activation>('GET', `/api/v1/activations/${encodeURIComponent(id)}`);
      if (o.json) return printJson(r);
      process.stdout.write(
        `${table(
          ['ID', 'CARD', 'WORKSTATION', 'STATE', 'BY', 'EXPIRES', 'FAILURE'],
          [[r.id, r.serial, r.workstation, r.state, r.startedBy, r.expiresAt, r.failure]],
        )}\n`,
      );
    });
  activation
    .command('cancel')
    .argument('<id>', 'activation id')
    .action(async (id: string) => {
      const r = await api<Activation>('POST', `/api/v1/activations/${encodeURIComponent(id)}/cancel`);
      process.stdout.write(`activation ${r.id}: ${r.state}\n`);
    });
}
