/**
 * Software cards of a benchmark in a process of their own (one per reader: startCardFarms), as real cards are hardware of their
 * own: a card's answers never wait for the API's work in the benchmark's process (which would make
 * every reader look slower the busier the API is). Driven over IPC by `startCardFarm()` in
 * _personalise-stack.ts: insert (serial, vpcd port, latency model) → resolves once pcscd powered the
 * card; remove; APDU count; ping (answered once the process is up).
 */
import { parseCardLatency } from '@scm/card-engine';
import { type BenchCard, insertCard, newCard, type Reader } from './_soft-cards';

export type FarmRequest =
  | { id: number; op: 'insert'; port: number; latency: string }
  | { id: number; op: 'remove'; serial: string }
  | { id: number; op: 'apdus'; serial: string }
  | { id: number; op: 'ping' };
export type FarmReply = { id: number; ok: true; serial?: string; apdus?: number } | { id: number; ok: false; error: string };

const cards = new Map<string, BenchCard>();

async function handle(m: FarmRequest): Promise<FarmReply> {
  switch (m.op) {
    case 'insert': {
      const c = newCard(parseCardLatency(m.latency));
      // Only the port matters to insertCard; the reader's other fields are for messages.
      await insertCard(c, { port: m.port, name: `port ${m.port}`, index: 0, ws: { id: -1, socket: '', vpcdPorts: [m.port] } } as Reader);
      cards.set(c.serial, c);
      return { id: m.id, ok: true, serial: c.serial };
    }
    case 'remove': {
      const c = cards.get(m.serial);
      cards.delete(m.serial);
      await c?.connector?.remove();
      return { id: m.id, ok: true };
    }
    case 'apdus':
      return { id: m.id, ok: true, apdus: cards.get(m.serial)?.apdus ?? 0 };
    case 'ping':
      return { id: m.id, ok: true };
  }
}

if (require.main === module) {
  process.on('message', (m: FarmRequest) => {
    handle(m).then(
      (r) => process.send?.(r),
      (e: unknown) => process.send?.({ id: m.id, ok: false, error: (e as Error).message }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
