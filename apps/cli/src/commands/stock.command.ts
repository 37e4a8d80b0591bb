import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson, table } from '../output';
import { parseStockManifest } from '../stock-manifest';

const STATES = ['in-stock', 'bound', 'issued', 'spoiled', 'destroyed'] as const;
type Counts = Record<(typeof STATES)[number], number>;
type Batch = {
  id: string;
  name: string;
  kind: string;
  vendor: string | null;
  algorithm: string;
  attestation: boolean;
  cards: number;
  counts: Counts;
  importedBy: string;
  importedAt: string;
};
type BatchDetail = Batch & {
  manifestSha256: string | null;
  wrappingKey: string;
  attestationRoot: string | null;
  cardList: Array<{ serial: string; state: string; cardId: string | null; requestId: string | null }>;
};

/** A file's text; `-` is standard input (a manifest piped into `docker compose run -T cli stock import -`). */
function read(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

export function registerStock(program: Command): void {
  const st = program
    .command('stock')
    .description('Card stock: batches of blank cards, their transport keys (kept in the HSM) and what became of each card');
  st.command('import [manifest]')
    .description(
      'Register a batch of blank cards from a vendor manifest (CSV "serial,transport_key" or JSON, docs/stock.md; "-" reads it from standard input); the transport keys are wrapped into the HSM',
    )
    .option('--name <name>', 'batch name (default: the manifest\'s "name", else the file name without extension)')
    .option('--algorithm <alg>', "transport key algorithm: 3des, aes128, aes192, aes256 (default: the manifest's, else aes192)")
    .option('--vendor <text>', 'card vendor')
    .option(
      '--attestation-root <pem>',
      "the vendor's PIV attestation root certificate (PEM): on-card keys need an attestation chained to it",
    )
    .option('--development', 'the factory-default development batch (well-known key; only when the API runs with SCM_DEV_STOCK=1)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExamples:\n  scm stock import acme-2026-12.csv --algorithm aes192 --vendor ACME\n  scm stock import delivery.json\n  scm stock import --development',
    )
    .action(
      async (
        file: string | undefined,
        o: { name?: string; algorithm?: string; vendor?: string; attestationRoot?: string; development?: boolean; json?: boolean },
      ) => {
        let body: Record<string, unknown>;
        if (o.development) {
          if (file) throw new CliError('--development takes no manifest');
          body = { development: true };
        } else {
          if (!file) throw new CliError('name the manifest file (or --development for the factory-default development batch)');
          const m = parseStockManifest(read(file), file === '-' ? 'standard input' : file);
          const name = o.name ?? m.name ?? (file === '-' ? undefined : basename(file).replace(/\.[^.]*$/, ''));
          if (!name) throw new CliError('a manifest read from standard input needs --name (or a "name" in the JSON manifest)');
          body = {
            name,
            algorithm: o.algorithm ?? m.algorithm ?? 'aes192',
            ...((o.vendor ?? m.vendor) ? { vendor: o.vendor ?? m.vendor } : {}),
            ...(o.attestationRoot
              ? { attestationRoot: read(o.attestationRoot) }
              : m.attestationRoot
                ? { attestationRoot: m.attestationRoot }
                : {}),
            cards: m.cards,
          };
        }
        const r = await api<{
          id: string;
          name: string;
          kind: string;
          algorithm: string;
          cards: number;
          attestation: boolean;
          existed?: boolean;
        }>('POST', '/api/v1/stock/batches', body);
        if (o.json) return printJson(r);
        process.stdout.write(
          r.existed
            ? `stock batch ${r.name} (development) exists already\n`
            : `stock batch ${r.name} registered: ${r.cards} card(s), ${r.algorithm} transport keys${r.kind === 'development' ? ' (the well-known factory key)' : ' wrapped in the HSM'}${r.attestation ? ', attestation required' : ''}\n`,
        );
      },
    );
  st.command('list')
    .description('Stock batches with their cards counted by state')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await api<Batch[]>('GET', '/api/v1/stock/batches');
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['BATCH', 'KIND', 'KEYS', 'ATTESTED', 'CARDS', ...STATES.map((s) => s.toUpperCase()), 'IMPORTED'],
          list.map((b) => [
            b.name,
            b.kind,
            b.algorithm,
            b.attestation ? 'yes' : '',
            b.cards,
            ...STATES.map((s) => b.counts[s]),
            b.importedAt,
          ]),
        )}\n`,
      );
    });
  st.command('show <batch>')
    .description('One stock batch and each of its cards with its state')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { json?: boolean }) => {
      const b = await api<BatchDetail>('GET', `/api/v1/stock/batches/${encodeURIComponent(name)}`);
      if (o.json) return printJson(b);
      process.stdout.write(
        [
          `stock batch ${b.name} (${b.kind})${b.vendor ? `, vendor ${b.vendor}` : ''}`,
          `transport keys  ${b.algorithm}, ${b.kind === 'development' ? 'the well-known factory key' : `wrapped under HSM key ${b.wrappingKey}`}`,
          `attestation     ${b.attestationRoot ? 'required (vendor root registered)' : 'none'}`,
          `imported        ${b.importedAt} by ${b.importedBy}${b.manifestSha256 ? `, manifest SHA-256 ${b.manifestSha256}` : ''}`,
          `cards           ${STATES.map((s) => `${s} ${b.counts[s]}`).join(', ')}`,
          '',
          table(
            ['SERIAL', 'STATE', 'CARD', 'REQUEST'],
            b.cardList.map((c) => [c.serial, c.state, c.cardId, c.requestId]),
          ),
          '',
        ].join('\n'),
      );
    });
  st.command('destroy <serial>')
    .description('Record a stock card destroyed (in stock or spoiled only): it is never personalised')
    .requiredOption('--reason <text>', 'why (shredded, failed at the factory, lost from the safe, …)')
    .option('--json', 'machine-readable output')
    .action(async (serial: string, o: { reason: string; json?: boolean }) => {
      const r = await api<{ serial: string; state: string }>('POST', `/api/v1/stock/cards/${encodeURIComponent(serial)}/destroy`, {
        reason: o.reason,
      });
      if (o.json) return printJson(r);
      process.stdout.write(`stock card ${r.serial} recorded destroyed\n`);
    });
  st.command('report')
    .description('Cards counted per stock batch and state, with totals')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const r = await api<{ batches: Array<{ name: string; kind: string; counts: Counts; total: number }>; totals: Counts; total: number }>(
        'GET',
        '/api/v1/stock/report',
      );
      if (o.json) return printJson(r);
      process.stdout.write(
        `${table(
          ['BATCH', 'KIND', ...STATES.map((s) => s.toUpperCase()), 'TOTAL'],
          [
            ...r.batches.map((b) => [b.name, b.kind, ...STATES.map((s) => b.counts[s]), b.total]),
            ['(all)', '', ...STATES.map((s) => r.totals[s]), r.total],
          ],
        )}\n`,
      );
    });
}
