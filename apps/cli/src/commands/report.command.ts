import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadSession, sessionApiUrl } from '../api-client';
import { api } from '../api-client';
import { CliError, printJson, table } from '../output';

type ReportInfo = { name: string; title: string; description: string };
type Rendered = {
  title: string;
  columns: Array<{ key: string; title: string }>;
  rows: Array<Record<string, unknown>>;
  chain: { headSeq: number; verified: boolean; broken: string | null };
};

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description("The auditor's reports: issuance, reissues, recoveries, temporary-cards, failed-attempts, archive-volumes, expiring");
  report
    .command('list')
    .description('The reports and what each shows')
    .action(async () => {
      const list = await api<ReportInfo[]>('GET', '/api/v1/reports');
      process.stdout.write(
        `${table(
          ['NAME', 'TITLE'],
          list.map((r) => [r.name, r.title]),
        )}\n`,
      );
    });
  report
    .command('run <name>')
    .description('Run a report; --format csv or pdf writes a file (the PDF carries the audit chain head and its verification)')
    .option('--from <date>', 'start of the period (ISO date or time)')
    .option('--to <date>', 'end of the period, exclusive')
    .option('--actor <who>', 'only what this user (name or user:<id>) did')
    .option('--format <f>', 'table | json | csv | pdf', 'table')
    .option('-o, --out <file>', 'output file (default scm-<name>-<date>.<format> for csv and pdf)')
    .action(async (name: string, o: { from?: string; to?: string; actor?: string; format: string; out?: string }) => {
      const q = new URLSearchParams();
      if (o.from) q.set('from', o.from);
      if (o.to) q.set('to', o.to);
      if (o.actor) q.set('actor', o.actor);
      if (o.format === 'csv' || o.format === 'pdf') {
        q.set('format', o.format);
        const s = loadSession();
        if (!s) throw new CliError('not logged in: run "bin/scm login"');
        const res = await fetch(`${sessionApiUrl(s)}/api/v1/reports/${encodeURIComponent(name)}?${q}`, {
          headers: { authorization: `Bearer ${s.token}` },
        });
        if (!res.ok)
          throw new CliError(
            `report ${name}: ${((await res.json().catch(() => ({}))) as { detail?: string }).detail ?? `HTTP ${res.status}`}`,
          );
        const out = o.out ?? `scm-${name}-${new Date().toISOString().slice(0, 10)}.${o.format}`;
        writeFileSync(out, Buffer.from(await res.arrayBuffer()));
        process.stdout.write(`wrote ${out}\n`);
        return;
      }
      const r = await api<Rendered>('GET', `/api/v1/reports/${encodeURIComponent(name)}?${q}`);
      if (o.format === 'json') return printJson(r);
      process.stdout.write(
        `${r.title}\n\n${table(
          r.columns.map((c) => c.title.toUpperCase()),
          r.rows.map((row) => r.columns.map((c) => row[c.key] as string)),
        )}\n\n`,
      );
      process.stdout.write(
        `audit chain head ${r.chain.headSeq}: ${r.chain.verified ? 'verified' : `NOT VERIFIED (${r.chain.broken ?? 'see bin/scm audit verify'})`}\n`,
      );
    });
}
