import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { api } from '../api-client';
import { CsvError, parseCsvTable } from '../csv';
import { CliError, printJson, table } from '../output';
import { postBulk, reportEntryErrors } from './bulk-call';

type Cardholder = {
  id: string;
  name: string;
  email: string | null;
  upn: string | null;
  orgIds: string[];
  status: string;
  sponsored?: boolean;
  createdAt: string;
};

/** The dual-control request a registration or a sponsorship waits for. */
type PendingApproval = { id: string; kind: string; subjectHash: string; expiresAt: string };

const waitsFor = (a: PendingApproval | undefined): string =>
  a ? `pending: a second officer approves it with "bin/scm approvals approve ${a.id}" (before ${a.expiresAt})\n` : '';

/** CSV columns of `scm cardholder import` (org_ids: several ids separated by ";"). */
export const CARDHOLDER_COLUMNS = { required: ['name'], optional: ['email', 'upn', 'org_ids'] };

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function registerCardholder(program: Command): void {
  const ch = program.command('cardholder').description('Cardholders: the people cards are issued to');
  ch.command('add')
    .description('Register a cardholder')
    .requiredOption('--name <name>', "full name (the certificates' common name, at most 64 characters)")
    .option('--email <address>', 'e-mail address (9C/9D certificates)')
    .option('--upn <upn>', 'user principal name (9A certificate, logon)')
    .option('--org <id>', 'an organisation id (repeat for several)', collect)
    .option('--json', 'machine-readable output')
    .action(async (o: { name: string; email?: string; upn?: string; org?: string[]; json?: boolean }) => {
      const c = await api<Cardholder & { approval?: PendingApproval }>('POST', '/api/v1/cardholders', {
        name: o.name,
        email: o.email,
        upn: o.upn,
        orgIds: o.org ?? [],
      });
      if (o.json) return printJson(c);
      process.stdout.write(`${c.id}  ${c.name}\n${waitsFor(c.approval)}`);
    });
  ch.command('sponsor <id>')
    .description(
      'Ask a second officer to sponsor one more card for a registered cardholder (separation of duties: ' +
        'each card needs a sponsor, who is not the officer requesting it)',
    )
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const a = await api<PendingApproval>('POST', `/api/v1/cardholders/${encodeURIComponent(id)}/sponsorship`);
      if (o.json) return printJson(a);
      process.stdout.write(waitsFor(a));
    });
  ch.command('list')
    .description('Cardholders (optionally matching a search)')
    .option('--search <text>', 'part of a name, e-mail, UPN or organisation id')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'machine-readable output')
    .action(async (o: { search?: string; limit: string; json?: boolean }) => {
      const q = new URLSearchParams({ limit: o.limit, ...(o.search ? { q: o.search } : {}) });
      const list = await api<Cardholder[]>('GET', `/api/v1/cardholders?${q}`);
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['ID', 'NAME', 'UPN', 'E-MAIL', 'ORG IDS', 'STATUS'],
          list.map((c) => [c.id, c.name, c.upn, c.email, c.orgIds.join(';'), c.status]),
        )}\n`,
      );
    });
  ch.command('show <id>')
    .description('One cardholder')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const c = await api<Cardholder>('GET', `/api/v1/cardholders/${encodeURIComponent(id)}`);
      if (o.json) return printJson(c);
      process.stdout.write(
        `${table(
          ['FIELD', 'VALUE'],
          [
            ['id', c.id],
            ['name', c.name],
            ['upn', c.upn],
            ['e-mail', c.email],
            ['org ids', c.orgIds.join(';')],
            ['status', c.status],
            ['sponsored', c.sponsored ? 'yes (for the next card)' : 'no'],
            ['created', c.createdAt],
          ],
        )}\n`,
      );
    });
  ch.command('import <file>')
    .description('Register the cardholders of a CSV file (header: name,email,upn,org_ids): all of them, or none and every bad line named')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { json?: boolean }) => {
      let rows;
      try {
        rows = parseCsvTable(readFileSync(file, 'utf8'), CARDHOLDER_COLUMNS);
      } catch (e) {
        if (e instanceof CsvError) throw new CliError(`${file} ${e.message}`);
        throw e;
      }
      if (rows.length === 0) throw new CliError(`${file}: no cardholders after the header`);
      const body = {
        cardholders: rows.map(({ row }) => ({
          name: row.name ?? '',
          ...(row.email ? { email: row.email } : {}),
          ...(row.upn ? { upn: row.upn } : {}),
          orgIds: (row.org_ids ?? '')
            .split(';')
            .map((s) => s.trim())
            .filter(Boolean),
        })),
      };
      const r = await postBulk<{ created: number; ids: string[]; approval?: PendingApproval }>('/api/v1/cardholders/import', body);
      if (!r.ok)
        reportEntryErrors(
          file,
          rows.map((x) => x.line),
          r,
        );
      if (o.json) return printJson(r.data);
      process.stdout.write(`imported ${r.data.created} cardholders from ${file}\n${waitsFor(r.data.approval)}`);
    });
}
