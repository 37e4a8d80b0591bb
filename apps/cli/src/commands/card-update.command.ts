import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson } from '../output';
import { cardCommand } from './card-emulate.command';

type UpdateView = {
  id: string;
  kind: string;
  slot: string | null;
  objectTag: string | null;
  state: string;
  origin: string;
  reason: string;
  attempt: number;
  vscVersion: number | null;
  issued: Record<string, string>;
  supersedes: string[];
  retired: { slot: string; serial: string } | null;
  failure: string | null;
  createdAt: string;
};

const line = (u: UpdateView): string =>
  `${u.id}  ${u.kind}${u.slot ? ` ${u.slot}` : ''}${u.objectTag ? ` ${u.objectTag}` : ''}  ${u.state}  (${u.origin}: ${u.reason})` +
  (u.vscVersion ? `  VSC v${u.vscVersion}` : '') +
  (Object.keys(u.issued).length
    ? `  new: ${Object.entries(u.issued)
        .map(([s, n]) => `${s}=${n}`)
        .join(', ')}`
    : '') +
  (u.retired ? `  old 9D in ${u.retired.slot}` : '') +
  (u.failure ? `  failure: ${u.failure}` : '');

/** `scm card update SERIAL --renew | --rekey SLOT | --put-object TAG=FILE | --rotate-puk`, `scm card updates SERIAL`, `scm card update-approve ID`, `scm card expiry-sweep`. */
export function registerCardUpdate(program: Command): void {
  const card = cardCommand(program);
  card
    .command('update')
    .description(
      'Queue an update for an issued or active card: it runs the next time the card is in a reader of an approved workstation ' +
        '(renew: new certificates for the same keys; rekey SLOT: a new key — 9D keeps the old one in a retired slot; put-object TAG=FILE: a data object; rotate-puk: a new random PUK, kept sealed under the HSM). Needs the security-officer role.',
    )
    .argument('<serial>', "the card's serial")
    .option('--renew', 'new certificates (and CHUID, Security Object) for the keys the card holds')
    .option('--rekey <slot>', 'a new key in this slot (9a, 9c, 9d, 9e)')
    .option('--put-object <tag=file>', 'write a data object, e.g. 5fc109=printed-info.bin (the value inside tag 53)')
    .option('--rotate-puk', "change the card's PUK to a new random one (never shown; kept sealed under the HSM)")
    .option('--reason <text>', 'why (kept in the audit trail)', 'requested by an officer')
    .option('--json', 'machine-readable output')
    .action(
      async (
        serial: string,
        o: { renew?: boolean; rekey?: string; putObject?: string; rotatePuk?: boolean; reason: string; json?: boolean },
      ) => {
        const chosen = [o.renew, o.rekey, o.putObject, o.rotatePuk].filter((x) => x !== undefined && x !== false).length;
        if (chosen !== 1) throw new CliError('give exactly one of --renew, --rekey SLOT, --put-object TAG=FILE, --rotate-puk');
        let body: Record<string, unknown>;
        if (o.renew) body = { kind: 'renew' };
        else if (o.rotatePuk) body = { kind: 'rotate-puk' };
        else if (o.rekey) body = { kind: 'rekey', slot: o.rekey.toLowerCase() };
        else {
          const m = /^([0-9a-fA-F]{2,6})=(.+)$/.exec(o.putObject!);
          if (!m) throw new CliError('--put-object takes TAG=FILE, e.g. 5fc109=printed-info.bin');
          body = { kind: 'put-object', tag: m[1].toLowerCase(), value: readFileSync(m[2]).toString('base64') };
        }
        const u = await api<UpdateView>('POST', `/api/v1/cards/${encodeURIComponent(serial)}/updates`, { ...body, reason: o.reason });
        if (o.json) return printJson(u);
        process.stdout.write(`update ${u.id} queued for card ${serial}: ${u.state}; it runs when the card is next in a reader\n`);
      },
    );
  card
    .command('updates')
    .description("A card's updates, oldest first")
    .argument('<serial>', "the card's serial")
    .option('--json', 'machine-readable output')
    .action(async (serial: string, o: { json?: boolean }) => {
      const list = await api<UpdateView[]>('GET', `/api/v1/cards/${encodeURIComponent(serial)}/updates`);
      if (o.json) return printJson(list);
      for (const u of list) process.stdout.write(`${line(u)}\n`);
    });
  card
    .command('update-approve')
    .description('Approve a renewal awaiting approval (queued by the expiry sweep)')
    .argument('<id>', 'the update id')
    .action(async (id: string) => {
      const u = await api<UpdateView>('POST', `/api/v1/card-updates/${encodeURIComponent(id)}/approve`);
      process.stdout.write(`${line(u)}\n`);
    });
  card
    .command('update-cancel')
    .description('Cancel an update that never started on the card')
    .argument('<id>', 'the update id')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .action(async (id: string, o: { reason: string }) => {
      const u = await api<UpdateView>('POST', `/api/v1/card-updates/${encodeURIComponent(id)}/cancel`, { reason: o.reason });
      process.stdout.write(`${line(u)}\n`);
    });
  card
    .command('expiry-sweep')
    .description('Run the daily expiry sweep now: cards past their end become expired; renewals are queued within the window')
    .option('--within-days <n>', 'the renewal window', '30')
    .option('--json', 'machine-readable output')
    .action(async (o: { withinDays: string; json?: boolean }) => {
      const r = await api<{ expired: string[]; queued: Array<{ id: string; serial: string | null; state: string }>; skipped: unknown[] }>(
        'POST',
        '/api/v1/card-updates/expiry-sweep',
        { withinDays: Number(o.withinDays) },
      );
      if (o.json) return printJson(r);
      process.stdout.write(
        `${r.expired.length} card(s) expired; ${r.queued.length} renewal(s) queued; ${r.skipped.length} left as they are\n`,
      );
      for (const q of r.queued) process.stdout.write(`  ${q.id}  card ${q.serial ?? '?'}  ${q.state}\n`);
    });
}
