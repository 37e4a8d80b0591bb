import type { Command } from 'commander';
import { api, loadSession, sessionApiUrl } from '../api-client';
import { CliError, printJson, table } from '../output';
import { requestTable } from './issue.command';
import { findWorker } from './worker.command';

type RequestView = {
  id: string;
  batchId: string | null;
  cardholder: { id: string; name: string; upn: string | null; email: string | null };
  profileId: string;
  profileVersion?: number | null;
  state: string;
  stateChangedAt: string;
  failure: string | null;
  workerId: string | null;
  cardId: string | null;
  createdBy: string;
  createdAt: string;
  vsc: { id: string; currentVersion: number; escrowed: boolean; sha256: string } | null;
  slots: Array<{ slot: string; algorithm: string; escrow: string; certificate: { serial: string; status: string } | null }>;
  history: Array<{ from: string | null; to: string; at: string; actor: string; details: Record<string, unknown> }>;
};

type Summary = {
  id: string;
  batchId: string | null;
  cardholderId: string;
  cardholderName: string;
  profileId: string;
  state: string;
  stateChangedAt: string;
  failure: string | null;
};

/** Where a watch stops: a final state, or failed-card (nothing moves until an officer decides). */
const TERMINAL = ['issued', 'failed', 'cancelled', 'failed-card'];

/** What an officer reads of a failed-card request: the step and status word the card refused, and the two ways on. */
function refusalLines(r: RequestView): string[] {
  if (r.state !== 'failed-card') return [];
  const d = [...r.history].reverse().find((h) => h.to === 'failed-card')?.details ?? {};
  const serial = typeof d.serial === 'string' ? d.serial : 'SERIAL';
  return [
    `refused     step ${String(d.step ?? '?')}, SW ${String(d.sw ?? 'none')} (card ${serial}, ${String(d.refusals ?? '?')} refused attempt(s))`,
    `decide      bin/scm card spoil ${serial} --reason TEXT   (the request takes another card)`,
    `            bin/scm request retry ${r.id} --reason TEXT   (then put card ${serial} back into a reader)`,
  ];
}

export function registerRequest(program: Command): void {
  const rq = program.command('request').description('Issuance requests: state, history, events');
  rq.command('show <id>')
    .description("A request's state, VSC, certificates per slot and history")
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const r = await api<RequestView>('GET', `/api/v1/issuance-requests/${encodeURIComponent(id)}`);
      if (o.json) return printJson(r);
      const lines = [
        `request     ${r.id}${r.batchId ? ` (batch ${r.batchId})` : ''}`,
        `cardholder  ${r.cardholder.name} ${r.cardholder.upn ?? r.cardholder.email ?? ''} (${r.cardholder.id})`,
        `profile     ${r.profileId}${r.profileVersion ? ` v${r.profileVersion}` : ''}`,
        `state       ${r.state} since ${r.stateChangedAt}${r.failure ? ` — ${r.failure}` : ''}`,
        ...refusalLines(r),
        `vsc         ${r.vsc ? `${r.vsc.id} v${r.vsc.currentVersion} ${r.vsc.escrowed ? 'escrowed' : 'not escrowed yet'} sha256 ${r.vsc.sha256}` : '-'}`,
        '',
        table(
          ['SLOT', 'ALGORITHM', 'ESCROW', 'CERTIFICATE', 'STATUS'],
          r.slots.map((s) => [s.slot, s.algorithm, s.escrow, s.certificate?.serial, s.certificate?.status]),
        ),
        '',
        table(
          ['AT', 'FROM', 'TO', 'BY'],
          r.history.map((h) => [h.at, h.from, h.to, h.actor]),
        ),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  rq.command('list')
    .description('Requests, newest first')
    .option('--batch <id>', 'of one batch')
    .option('--cardholder <id>', 'of one cardholder')
    .option('--state <state>', 'in one state')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--json', 'machine-readable output')
    .action(async (o: { batch?: string; cardholder?: string; state?: string; limit: string; json?: boolean }) => {
      const q = new URLSearchParams({
        limit: o.limit,
        ...(o.batch ? { batch: o.batch } : {}),
        ...(o.cardholder ? { cardholder: o.cardholder } : {}),
        ...(o.state ? { state: o.state } : {}),
      });
      const list = await api<Summary[]>('GET', `/api/v1/issuance-requests?${q}`);
      if (o.json) return printJson(list);
      process.stdout.write(`${requestTable(list)}\n`);
      const counts = new Map<string, number>();
      for (const r of list) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
      process.stdout.write(`${list.length} requests: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}\n`);
    });
  rq.command('cancel <id>')
    .description('Cancel a request before a card is claimed (its certificates are revoked)')
    .option('--reason <text>', 'why (audited)')
    .action(async (id: string, o: { reason?: string }) => {
      const r = await api<{ id: string; state: string; revoked: string[] }>(
        'POST',
        `/api/v1/issuance-requests/${encodeURIComponent(id)}/cancel`,
        o.reason ? { reason: o.reason } : {},
      );
      process.stdout.write(`${r.id}: ${r.state}${r.revoked.length ? `; revoked ${r.revoked.join(', ')}` : ''}\n`);
    });
  rq.command('reassign <id>')
    .description(
      'Move a request bound to a card (personalisation in flight) to another approved worker; the card then goes into one of its readers',
    )
    .requiredOption('--worker <fingerprint-or-id>', 'the worker that takes the request over (id, or 16+ hex digits of its fingerprint)')
    .requiredOption('--reason <text>', 'why (audited)')
    .action(async (id: string, o: { worker: string; reason: string }) => {
      const worker = await findWorker(o.worker);
      const r = await api<{ requestId: string; state: string; serial: string | null; from: string | null; to: string }>(
        'POST',
        `/api/v1/issuance-requests/${encodeURIComponent(id)}/reassign`,
        { workerId: worker.id, reason: o.reason },
      );
      process.stdout.write(
        `${r.requestId}: ${r.state}, now personalised by ${worker.name} (workstation ${worker.workstation}); put card ${r.serial ?? '?'} into one of its readers\n`,
      );
    });
  rq.command('retry <id>')
    .description(
      'Try the card of a failed-card request again (the card refused a step the same way twice): the request waits for that card, ' +
        'with a fresh count of refusals. Take the card out and put it back into a reader. Needs the security-officer role; audited. ' +
        'The other way on is "bin/scm card spoil SERIAL".',
    )
    .requiredOption('--reason <text>', 'why the card should be tried again (kept in the audit trail)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const r = await api<{
        id: string;
        state: string;
        serial: string | null;
        refused: { step: string | null; sw: string | null };
        job: string;
      }>('POST', `/api/v1/issuance-requests/${encodeURIComponent(id)}/retry`, { reason: o.reason });
      if (o.json) return printJson(r);
      process.stdout.write(
        `${r.id}: ${r.state} for card ${r.serial ?? '-'} (it had refused step ${r.refused.step ?? '?'}, SW ${r.refused.sw ?? 'none'}); ` +
          `take the card out and put it back into a reader\n`,
      );
    });
  rq.command('watch [id]')
    .description('Follow a request (or --batch) as its state changes (server-sent events); stops at --until or a final state')
    .option('--batch <id>', 'follow every request of a batch')
    .option('--until <state>', 'stop once the request (every request of the batch) reaches this state or a final one')
    .option('--json', 'one JSON event per line')
    .action(async (id: string | undefined, o: { batch?: string; until?: string; json?: boolean }) => {
      if (!!id === !!o.batch) throw new CliError('give a request id or --batch ID');
      const path = id
        ? `/api/v1/issuance-requests/${encodeURIComponent(id)}/events`
        : `/api/v1/issuance-batches/${encodeURIComponent(o.batch!)}/events`;
      await watch(path, o.batch, o.until, !!o.json);
    });
}

/** Reads a text/event-stream and prints its events until the stop condition. */
async function watch(path: string, batchId: string | undefined, until: string | undefined, json: boolean): Promise<void> {
  const s = loadSession();
  if (!s) throw new CliError('not logged in (or the session expired): run "bin/scm login"');
  const base = sessionApiUrl(s);
  const ac = new AbortController();
  const res = await fetch(`${base}${path}`, {
    headers: { authorization: `Bearer ${s.token}`, accept: 'text/event-stream' },
    signal: ac.signal,
  }).catch((e: Error) => {
    throw new CliError(`the issuer API at ${base} does not answer (${e.message})`);
  });
  if (!res.ok || !res.body) {
    const p = (await res.json().catch(() => ({}))) as { detail?: string; code?: string };
    throw new CliError(`${p.detail ?? `HTTP ${res.status}`}${p.code ? ` [${p.code}]` : ''}`);
  }
  const done = (state: string) => TERMINAL.includes(state) || state === until;
  const finished = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([st]) => done(st))
      .reduce((n, [, c]) => n + c, 0);
  let batch: { size: number; counts: Record<string, number> } | undefined;
  const decoder = new TextDecoder();
  let buf = '';
  // Leaving the loop cancels the body; the abort afterwards closes the connection.
  read: for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let sep: number;
    while ((sep = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, sep);
      buf = buf.slice(sep + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!event || !data) continue;
      const d = JSON.parse(data) as {
        requestId?: string;
        from?: string | null;
        state?: string;
        at?: string;
        size?: number;
        states?: Record<string, number>;
      };
      if (json) process.stdout.write(`${JSON.stringify({ event, ...d })}\n`);
      else if (event === 'snapshot' && d.states)
        process.stdout.write(
          `batch of ${d.size}: ${Object.entries(d.states)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}\n`,
        );
      else process.stdout.write(`${d.at ?? ''}  ${d.requestId ?? ''}  ${d.state ?? event}\n`);
      if (event === 'snapshot' && d.states) {
        batch = { size: d.size ?? 0, counts: { ...d.states } };
      } else if (batch && d.state) {
        if (d.from) batch.counts[d.from] = (batch.counts[d.from] ?? 1) - 1;
        batch.counts[d.state] = (batch.counts[d.state] ?? 0) + 1;
      }
      if (!batch && d.state && done(d.state)) {
        break read;
      }
      // The running counts are an estimate (a change can arrive twice); the batch view decides.
      if (batch && finished(batch.counts) >= batch.size && batchId) {
        const v = await api<{ size: number; states: Record<string, number> }>(
          'GET',
          `/api/v1/issuance-batches/${encodeURIComponent(batchId)}`,
        );
        batch.counts = { ...v.states };
        if (finished(v.states) >= v.size) {
          break read;
        }
      }
      if (event === 'reset') throw new CliError('the API restarted its event listener; run the command again');
    }
  }
  ac.abort();
}
