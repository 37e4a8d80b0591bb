import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson } from '../output';

type Termination = {
  cardholderId: string;
  reason: string;
  terminatedBy: string;
  terminatedAt: string;
  retainUntil: string;
  escrow: 'retained' | 'purgeable' | 'purged';
  summary: {
    cards?: Array<{ id: string; serial: string | null; from: string; to: string }>;
    requests?: Array<{ id: string; from: string; to: string }>;
    certificates?: string[];
    temporaryCards?: string[];
    activations?: string[];
    approvals?: Array<{ id: string; kind: string }>;
    vscs?: string[];
  };
  purge: {
    id: string;
    approvalId: string;
    proposedBy: string;
    approvedBy: string;
    purgedAt: string;
    versions: Array<{ vscId: string; version: number; volume: number | null }>;
  } | null;
};

type PendingApproval = { id: string; kind: string; subjectHash: string; expiresAt: string };

/** The "cardholder" command group, whichever module registers first. */
const cardholderCommand = (program: Command): Command =>
  program.commands.find((c) => c.name() === 'cardholder') ??
  program.command('cardholder').description('Cardholders: the people cards are issued to');

function describe(t: Termination): string {
  const s = t.summary;
  const lines = [
    `cardholder ${t.cardholderId} terminated at ${t.terminatedAt} by ${t.terminatedBy}: ${t.reason}`,
    `  cards:            ${(s.cards ?? []).map((c) => `${c.serial ?? c.id} ${c.from} → ${c.to}`).join(', ') || 'none'}`,
    `  requests:         ${(s.requests ?? []).map((r) => `${r.id} ${r.from} → ${r.to}`).join(', ') || 'none open'}`,
    `  certificates:     ${(s.certificates ?? []).length} revoked (cessationOfOperation); the CRL is republished`,
    `  temporary cards:  ${(s.temporaryCards ?? []).join(', ') || 'none'}`,
    `  activations:      ${(s.activations ?? []).length} cancelled; approvals cancelled: ${(s.approvals ?? []).length}`,
    `  VSCs disabled:    ${(s.vscs ?? []).length}`,
  ];
  if (t.escrow === 'purged' && t.purge)
    lines.push(
      `  escrow:           purged at ${t.purge.purgedAt} (purge ${t.purge.id}, proposed by ${t.purge.proposedBy}, approved by ${t.purge.approvedBy}); ` +
        `copies on write-once volumes: ${[...new Set(t.purge.versions.map((v) => v.volume).filter((v) => v !== null))].join(', ') || 'none'}`,
    );
  else
    lines.push(
      `  escrow:           recoverable until ${t.retainUntil}${t.escrow === 'purgeable' ? ' (retention over: may be purged)' : ''}`,
    );
  return `${lines.join('\n')}\n`;
}

/** Leavers: `cardholder terminate`, `cardholder termination`, `cardholder purge-escrow` (docs/lifecycle.md). */
export function registerCardholderLifecycle(program: Command): void {
  const ch = cardholderCommand(program);
  ch.command('terminate <id>')
    .description(
      'Terminate a cardholder (a leaver): every certificate of every card revoked, cards terminated, open requests, ' +
        'activations and the temporary card ended, VSCs disabled; escrowed keys stay recoverable for the retention period',
    )
    .requiredOption('--reason <text>', 'why the cardholder leaves (audited)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      if (!o.reason.trim()) throw new CliError('--reason must say why');
      const t = await api<Termination>('POST', `/api/v1/cardholders/${encodeURIComponent(id)}/termination`, { reason: o.reason });
      if (o.json) return printJson(t);
      process.stdout.write(describe(t));
    });
  ch.command('termination <id>')
    .description("A terminated cardholder: what the termination did, and the escrow's retention and purge")
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const t = await api<Termination>('GET', `/api/v1/cardholders/${encodeURIComponent(id)}/termination`);
      if (o.json) return printJson(t);
      process.stdout.write(describe(t));
    });
  ch.command('purge-escrow <id>')
    .description(
      "Propose purging a terminated cardholder's escrowed keys from the database once the retention period is over; " +
        'a second officer approves ("bin/scm approvals approve ID"). Archive volumes are write-once: the purge is recorded',
    )
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const a = await api<PendingApproval>('POST', `/api/v1/cardholders/${encodeURIComponent(id)}/escrow-purge`);
      if (o.json) return printJson(a);
      process.stdout.write(
        `purge of the escrow of ${id} proposed: a second officer approves it with "bin/scm approvals approve ${a.id}" (before ${a.expiresAt})\n`,
      );
    });
}
