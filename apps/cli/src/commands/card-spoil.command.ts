import type { Command } from 'commander';
import { provisionCardKeys } from '@scm/card-secrets';
import { api } from '../api-client';
import { CliError, printJson } from '../output';
import { ServerContext } from '../server-context';
import { cardCommand } from './card-emulate.command';

type Spoiled = {
  cardId: string;
  serial: string;
  requestId: string | null;
  vscVersion: number | null;
  revokedCertificates: string[];
  job: string;
};

export function registerCardSpoil(program: Command): void {
  const card = cardCommand(program);
  card
    .command('spoil')
    .description(
      'Declare a card spoiled: pulled out mid-personalisation and abandoned. It is never used again; its request lets go of it ' +
        'and gets new escrowed keys (a new VSC version) before another card takes it. Needs the security-officer role.',
    )
    .argument('<serial>', "the card's serial")
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .option('--json', 'machine-readable output')
    .action(async (serial: string, o: { reason: string; json?: boolean }) => {
      if (!/^[0-9A-Za-z_-]{1,64}$/.test(serial)) throw new CliError(`"${serial}" is not a card serial`);
      const r = await api<Spoiled>('POST', `/api/v1/cards/${encodeURIComponent(serial)}/spoil`, { reason: o.reason });
      if (o.json) return printJson(r);
      process.stdout.write(`card ${r.serial} (${r.cardId}) is spoiled\n`);
      if (r.requestId) {
        process.stdout.write(
          `request ${r.requestId}: new escrowed keys in VSC version ${r.vscVersion}; ${r.revokedCertificates.length} certificate(s) revoked (superseded); ` +
            `it takes the next blank card (job ${r.job})\n`,
        );
      }
    });
  card
    .command('init-keys')
    .description(
      'Create the HSM keys of card personalisation that do not exist yet: the management-key master, the PUK key, the stock key (transport keys) and the key-package signing key (idempotent)',
    )
    .option('-q, --quiet', 'print only what was created')
    .action(async (o: { quiet?: boolean }) => {
      const ctx = await ServerContext.open();
      try {
        for (const k of await provisionCardKeys(ctx.hsm())) {
          if (k.created || !o.quiet) process.stdout.write(`${k.ref.label}/${k.ref.version}: ${k.created ? 'created' : 'present'}\n`);
        }
      } finally {
        await ctx.close();
      }
    });
}
