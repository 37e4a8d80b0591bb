import type { Command } from 'commander';
import { api } from '../api-client';
import { printJson, table } from '../output';

type CardReport = {
  id: string;
  cardId: string;
  serial: string | null;
  reason: string;
  state: string;
  cardState: string;
  crlReason: string;
  reportedBy: string;
  reportedAt: string;
  closedAt: string | null;
  certificates?: string[];
  temporaryCardsRevoked?: string[];
};

const REASONS = ['lost', 'stolen', 'damaged', 'left-at-home'] as const;

/** `scm card-report lost|stolen|damaged|left-at-home|found --card REF`, `scm card-report list`. */
export function registerCardReport(program: Command): void {
  const cr = program
    .command('card-report')
    .description(
      'The help desk reports a card lost, stolen, damaged or left at home (certificates revoked or held, a new CRL), or found again',
    );
  for (const reason of REASONS) {
    cr.command(reason)
      .description(
        reason === 'left-at-home'
          ? 'The card is at home: suspended, its certificates on hold (certificateHold) until it is found'
          : `The card is ${reason}: its certificates are revoked (${reason === 'damaged' ? 'superseded' : 'keyCompromise'})`,
      )
      .requiredOption('--card <ref>', "the card's serial or id")
      .option('--comment <text>', 'what the cardholder said (audited)')
      .option('--json', 'machine-readable output')
      .action(async (o: { card: string; comment?: string; json?: boolean }) => {
        const r = await api<CardReport>('POST', '/api/v1/card-reports', { card: o.card, reason, comment: o.comment });
        if (o.json) return printJson(r);
        process.stdout.write(
          `card ${r.serial ?? r.cardId} reported ${reason}: now ${r.cardState}; ${r.certificates?.length ?? 0} certificate(s) ${
            reason === 'left-at-home' ? 'on hold' : `revoked (${r.crlReason})`
          }; a new CRL is being published\n`,
        );
      });
  }
  cr.command('found')
    .description('The reported card is back: a hold is lifted, temporary cards standing in for it are revoked')
    .requiredOption('--card <ref>', "the card's serial or id")
    .option('--comment <text>', 'audited')
    .option('--json', 'machine-readable output')
    .action(async (o: { card: string; comment?: string; json?: boolean }) => {
      const r = await api<CardReport>('POST', '/api/v1/card-reports/found', { card: o.card, comment: o.comment });
      if (o.json) return printJson(r);
      process.stdout.write(
        `card ${r.serial ?? r.cardId} found: ${r.certificates?.length ? `${r.certificates.length} certificate(s) released from hold` : 'its certificates stay as they are'}; ${
          r.temporaryCardsRevoked?.length ?? 0
        } temporary card(s) revoked\n`,
      );
    });
  cr.command('list')
    .description('Card reports, newest first')
    .option('--card <ref>', "one card's reports")
    .option('--state <state>', 'open | found | closed')
    .option('--json', 'machine-readable output')
    .action(async (o: { card?: string; state?: string; json?: boolean }) => {
      const q = new URLSearchParams({ ...(o.card ? { card: o.card } : {}), ...(o.state ? { state: o.state } : {}) });
      const list = await api<CardReport[]>('GET', `/api/v1/card-reports${q.size ? `?${q}` : ''}`);
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['REPORT', 'CARD', 'REASON', 'CRL', 'STATE', 'REPORTED', 'BY'],
          list.map((r) => [r.id, r.serial ?? r.cardId, r.reason, r.crlReason, r.state, r.reportedAt, r.reportedBy]),
        )}\n`,
      );
    });
}
