/**
 * Software PIV cards put into vpcd readers by the benchmarks, counting the APDUs they answer, with
 * an optional latency model (a card as slow as a real one).
 */
import { type CardLatency, PivCard, SoftPivBackend } from '@scm/card-engine';
import type { Workstation } from '@scm/config';
import { VpcdConnector, type VirtualCard } from '@scm/vpcd';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Reader {
  ws: Workstation;
  index: number;
  name: string;
  port: number;
}

/** A software card in a reader, counting the APDUs it answers. */
export interface BenchCard {
  serial: string;
  backend: SoftPivBackend;
  /** Answers as slowly as a real card (none: at once). */
  latency?: CardLatency;
  apdus: number;
  connector?: VpcdConnector;
}

let serialSeq = 40_000_000 + (process.pid % 1000) * 1000;

export function newCard(latency?: CardLatency): BenchCard {
  const serial = ++serialSeq;
  return { serial: String(serial), backend: new SoftPivBackend({ serial }), apdus: 0, ...(latency ? { latency } : {}) };
}

/**
 * Puts a card into a reader and resolves once pcscd has powered it (vpcd asks the card for its ATR
 * when it sees it). No OpenSC polling: an OpenSC tool probing the readers would touch the cards the
 * workers are writing and skew what is measured.
 */
export async function insertCard(c: BenchCard, r: Reader): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let seen: () => void = () => undefined;
    const powered = new Promise<void>((res) => (seen = res));
    const inner = new PivCard(c.backend, c.latency ? { latency: c.latency } : {});
    const card: VirtualCard = {
      atr: () => {
        seen();
        return inner.atr();
      },
      powerOn: () => inner.powerOn(),
      powerOff: () => inner.powerOff(),
      reset: () => inner.reset(),
      transmit: (a) => {
        c.apdus++;
        return inner.transmit(a);
      },
    };
    c.connector = new VpcdConnector(card, { port: r.port });
    await c.connector.insert();
    const ok = await Promise.race([powered.then(() => true), sleep(5000).then(() => false)]);
    if (ok) return;
    // vpcd dropped the connection (it was still closing the previous card's): try again.
    await c.connector.remove();
    if (attempt === 3) throw new Error(`${r.name} of workstation ${r.ws.id} never saw card ${c.serial}`);
    await sleep(1000);
  }
}

/** Takes a card out; vpcd notices within its 400 ms poll and needs a moment more before the next card. */
export async function removeCard(c: BenchCard, _r: Reader): Promise<void> {
  await c.connector?.remove();
  c.connector = undefined;
  await sleep(1200);
}
