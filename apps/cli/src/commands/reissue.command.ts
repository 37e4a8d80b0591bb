import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson, table } from '../output';

type Ticket = { approvalId: string; kind: string; subjectHash: string; requiredApprovals: number; expiresAt: string };
type Reissue = {
  id: string;
  oldCardId: string;
  oldSerial: string | null;
  reason: string;
  state: string;
  requestId: string;
  requestState: string;
  vscId: string | null;
  newSerial: string | null;
  approvalId: string;
  createdAt: string;
};

const FROM = ['any', 'escrow', 'archive'];

/** Prints what officers do next with a dual-control request. */
export function printTicket(t: Ticket, what: string): void {
  process.stdout.write(
    `${what}: approval request ${t.approvalId} needs ${t.requiredApprovals} approval(s) by security officers other than you, before ${t.expiresAt}\n` +
      `  subject hash ${t.subjectHash}\n  each approver: bin/scm approvals approve ${t.approvalId}\n`,
  );
}

/** `scm reissue request|list|show`. */
export function registerReissue(program: Command): void {
  const r = program
    .command('reissue')
    .description(
      'Reissue a card reported lost, stolen or damaged onto a new card from its escrow (dual control; a card worker personalises it)',
    );
  r.command('request')
    .description('Ask for the reissue; officers approve it, then a card worker takes a blank card for the new request')
    .requiredOption('--card <ref>', "the reported card's serial or id")
    .option('--from <source>', 'read the escrow from: any (escrow, else archive) | escrow | archive', 'any')
    .option('--json', 'machine-readable output')
    .action(async (o: { card: string; from: string; json?: boolean }) => {
      if (!FROM.includes(o.from)) throw new CliError(`--from is one of ${FROM.join(', ')}`);
      const t = await api<Ticket>('POST', '/api/v1/reissues', { card: o.card, from: o.from });
      if (o.json) return printJson(t);
      printTicket(t, `reissue of card ${o.card}`);
    });
  r.command('list')
    .option('--card <ref>', "the old card's serial or id")
    .option('--json', 'machine-readable output')
    .action(async (o: { card?: string; json?: boolean }) => {
      const list = await api<Reissue[]>('GET', `/api/v1/reissues${o.card ? `?card=${encodeURIComponent(o.card)}` : ''}`);
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['REISSUE', 'OLD CARD', 'REASON', 'STATE', 'REQUEST', 'REQUEST STATE', 'NEW CARD'],
          list.map((x) => [x.id, x.oldSerial ?? x.oldCardId, x.reason, x.state, x.requestId, x.requestState, x.newSerial]),
        )}\n`,
      );
    });
  r.command('show')
    .argument('<id>', 'reissue id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const x = await api<Reissue>('GET', `/api/v1/reissues/${encodeURIComponent(id)}`);
      if (o.json) return printJson(x);
      process.stdout.write(
        `reissue ${x.id} of card ${x.oldSerial ?? x.oldCardId} (${x.reason}): ${x.state}; request ${x.requestId} ${x.requestState}; new VSC ${x.vscId ?? '-'}; new card ${x.newSerial ?? '-'}\n`,
      );
    });
}
