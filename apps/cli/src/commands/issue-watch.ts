import { apiUrl, loadSession } from '../api-client';
import { CliError } from '../output';

/** One card of the watched requests, as the progress stream reports it. */
interface CardLine {
  requestId: string;
  cardholder: string;
  state: string;
  failure: string | null;
  serial: string | null;
  stepsDone: number;
  stepsTotal: number | null;
  lastStep: string | null;
}

/** Ended, or waiting for an officer's decision (failed-card): the watch stops there. */
const TERMINAL = new Set(['issued', 'failed', 'cancelled', 'failed-card']);
const WIDTH = 24;

function bar(done: number, total: number): string {
  const n = total > 0 ? Math.min(WIDTH, Math.round((done / total) * WIDTH)) : 0;
  return `[${'#'.repeat(n)}${'-'.repeat(WIDTH - n)}]`;
}

/** The progress of one card: its bar, steps, serial, holder, state and last step (or failure). */
export function cardLine(c: CardLine): string {
  const total = c.stepsTotal ?? 0;
  const done = c.state === 'issued' ? total || c.stepsDone : c.stepsDone;
  const steps = total ? `${String(done).padStart(2)}/${total}` : ' -/- ';
  const what =
    c.state === 'failed' || c.state === 'failed-card'
      ? `${c.state}: ${c.failure ?? ''}`
      : c.state === 'issued'
        ? 'issued'
        : `${c.state}${c.lastStep ? ` · ${c.lastStep}` : ''}`;
  return `${c.state === 'issued' ? bar(1, 1) : bar(done, total)} ${steps}  ${(c.serial ?? '(no card)').padEnd(10)} ${c.cardholder.slice(0, 28).padEnd(28)} ${what}`;
}

/** The batch: one bar of issued cards, and how many requests are in each other state. */
export function batchLine(cards: CardLine[]): string {
  const by = new Map<string, number>();
  for (const c of cards) by.set(c.state, (by.get(c.state) ?? 0) + 1);
  const issued = by.get('issued') ?? 0;
  const rest = [...by].filter(([s]) => s !== 'issued').map(([s, n]) => `${n} ${s}`);
  return `${bar(issued, cards.length)} ${issued}/${cards.length} issued${rest.length ? `  (${rest.join(', ')})` : ''}`;
}

/**
 * Follows the cards of a batch (or of one request) over the API's progress stream and draws a
 * progress bar per card and one for the batch; redraws in place on a terminal, prints a line per
 * change otherwise. Resolves when every request has ended (issued, failed or cancelled).
 */
export async function watchProgress(
  target: { batchId?: string; requestId?: string },
  out: NodeJS.WriteStream = process.stdout,
): Promise<Record<string, number>> {
  const s = loadSession();
  if (!s) throw new CliError('not logged in (or the session expired): run "bin/scm login"');
  const base = s.apiUrl && !process.env.SCM_API_URL ? s.apiUrl : apiUrl();
  const q = target.batchId ? `batch=${target.batchId}` : `request=${target.requestId}`;
  const res = await fetch(`${base}/api/v1/personalisation/progress?${q}`, {
    headers: { authorization: `Bearer ${s.token}`, accept: 'text/event-stream' },
  }).catch((e: unknown) => {
    throw new CliError(`the issuer API at ${base} does not answer (${(e as Error).message})`);
  });
  if (!res.ok || !res.body) throw new CliError(`cannot follow the cards: HTTP ${res.status} ${await res.text().catch(() => '')}`);
  const cards = new Map<string, CardLine>();
  const tty = out.isTTY === true;
  let drawn = 0;
  const lastPrinted = new Map<string, string>();
  const draw = () => {
    const lines = [...[...cards.values()].map(cardLine), batchLine([...cards.values()])];
    if (tty) {
      if (drawn) out.write(`\x1b[${drawn}A\x1b[J`);
      out.write(`${lines.join('\n')}\n`);
      drawn = lines.length;
      return;
    }
    for (const c of cards.values()) {
      const l = cardLine(c);
      if (lastPrinted.get(c.requestId) !== l) out.write(`${l}\n`);
      lastPrinted.set(c.requestId, l);
    }
  };
  const onEvent = (event: string, data: Record<string, unknown>) => {
    if (event === 'snapshot') for (const c of data.cards as CardLine[]) cards.set(c.requestId, c);
    else if (event === 'step') {
      const c = cards.get(String(data.requestId));
      if (!c) return;
      c.stepsDone = Number(data.done ?? c.stepsDone);
      c.stepsTotal = (data.total as number | null) ?? c.stepsTotal;
      c.lastStep = `${String(data.step)}${data.outcome === 'failed' ? ' (failed)' : data.outcome === 'started' ? '…' : ''}`;
      c.serial = (data.serial as string | null) ?? c.serial;
    } else if (event === 'state') {
      const c = cards.get(String(data.requestId));
      if (!c) return;
      c.state = String(data.state);
    } else if (event === 'reset') throw new CliError('the progress stream was reset by the API; run the command again to resume watching');
    draw();
  };
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let sep: number;
    while ((sep = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, sep);
      buf = buf.slice(sep + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) onEvent(event, JSON.parse(data) as Record<string, unknown>);
    }
  }
  if (!tty) out.write(`${batchLine([...cards.values()])}\n`);
  const counts: Record<string, number> = {};
  for (const c of cards.values()) counts[c.state] = (counts[c.state] ?? 0) + 1;
  if ([...cards.values()].some((c) => !TERMINAL.has(c.state))) throw new CliError('the progress stream ended before every request did');
  return counts;
}
