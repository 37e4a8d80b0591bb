import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { api } from '../api-client';
import { CsvError, parseCsvTable } from '../csv';
import { CliError, printJson, table } from '../output';
import { postBulk, reportEntryErrors } from './bulk-call';
import { watchProgress } from './issue-watch';

type Accepted = {
  batchId: string | null;
  size: number;
  existing: boolean;
  requests: Array<{ id: string; cardholderId: string; profileId: string; state: string }>;
};

/** CSV columns of `scm issue --batch`: the cardholder (id, UPN or e-mail) and an optional profile. */
export const BATCH_COLUMNS = { required: ['cardholder'], optional: ['profile'] };

export function registerIssue(program: Command): void {
  program
    .command('issue')
    .description('Request cards: for one cardholder (--cardholder) or for every line of a CSV file (--batch; header: cardholder[,profile])')
    .option('--cardholder <ref>', "the cardholder's id, UPN or e-mail address")
    .option('--batch <file>', 'CSV file with a "cardholder" column (id, UPN or e-mail) and an optional "profile" column')
    .option('--profile <id>', 'card profile (default: the default profile; in a batch, for lines without one)')
    .option('--reference <id>', 'batch id of your own: sending the same batch again returns the first one')
    .option('--json', 'machine-readable output')
    .option('--watch', 'then follow the cards: a progress bar per card and one for the batch, until every request has ended')
    .action(async (o: { cardholder?: string; batch?: string; profile?: string; reference?: string; json?: boolean; watch?: boolean }) => {
      if (!!o.cardholder === !!o.batch) throw new CliError('give either --cardholder REF or --batch FILE.csv');
      if (o.cardholder) {
        const r = await api<Accepted['requests'][number]>('POST', '/api/v1/issuance-requests', {
          cardholder: o.cardholder,
          ...(o.profile ? { profile: o.profile } : {}),
        });
        if (o.json) printJson(r);
        else {
          process.stdout.write(`request ${r.id} for cardholder ${r.cardholderId} (profile ${r.profileId}): ${r.state}\n`);
          if (!o.watch) process.stdout.write(`follow it: bin/scm request show ${r.id}\n`);
        }
        if (o.watch) await watchProgress({ requestId: r.id });
        return;
      }
      const file = o.batch!;
      let rows;
      try {
        rows = parseCsvTable(readFileSync(file, 'utf8'), BATCH_COLUMNS);
      } catch (e) {
        if (e instanceof CsvError) throw new CliError(`${file} ${e.message}`);
        throw e;
      }
      if (rows.length === 0) throw new CliError(`${file}: no requests after the header`);
      const empty = rows.find((r) => !r.row.cardholder);
      if (empty) throw new CliError(`${file} line ${empty.line}: the cardholder is empty`);
      const r = await postBulk<Accepted>('/api/v1/issuance-batches', {
        ...(o.profile ? { profile: o.profile } : {}),
        ...(o.reference ? { reference: o.reference } : {}),
        requests: rows.map(({ row }) => ({ cardholder: row.cardholder, ...(row.profile ? { profile: row.profile } : {}) })),
      });
      if (!r.ok)
        reportEntryErrors(
          file,
          rows.map((x) => x.line),
          r,
        );
      if (o.json) {
        printJson(r.data);
        if (o.watch && r.data.batchId) await watchProgress({ batchId: r.data.batchId });
        return;
      }
      process.stdout.write(
        `${r.data.existing ? 'batch already submitted' : 'batch accepted'}: ${r.data.batchId} (${r.data.size} requests)\n`,
      );
      if (o.watch && r.data.batchId) return void (await watchProgress({ batchId: r.data.batchId }));
      process.stdout.write(
        `follow it: bin/scm request list --batch ${r.data.batchId}   or   bin/scm request watch --batch ${r.data.batchId}\n`,
      );
    });
}

export const requestTable = (
  rows: Array<{ id: string; cardholderName?: string; profileId: string; state: string; stateChangedAt?: string; failure?: string | null }>,
): string =>
  table(
    ['ID', 'CARDHOLDER', 'PROFILE', 'STATE', 'SINCE', 'FAILURE'],
    rows.map((r) => [r.id, r.cardholderName, r.profileId, r.state, r.stateChangedAt, r.failure]),
  );
