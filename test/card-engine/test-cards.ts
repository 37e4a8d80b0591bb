import { type PivCardOptions, SoftPivBackend, startEmulatedCard, type EmulatedCard } from '@scm/card-engine';
import { PivSession } from '@scm/piv';
import { type RunningWorker, waitFor } from '@scm/test-kit';
import { cardPresent, type TestReader, waitForCard } from './support';

/** Time vpcd needs after a card left a reader before it accepts the next one. */
export const VPCD_SETTLE_MS = 800;

// Serials of blank test cards: from hundredths of a second since the epoch (mod 2·10⁹), above
// 10⁸ where no fixed test serial lies. A test file starting later starts higher than an earlier
// one could have counted to (it would need 100 cards a second), so the files of one run, in one
// process or several, never hand out the same serial; the card table would refuse a second card
// with a serial it already has.
let serialSeq = 100_000_000 + (Math.floor(Date.now() / 10) % 2_000_000_000);

/**
 * The cards this test file has in readers, by card: test/kit/cards-out.ts takes them out after the
 * file's last hook, so a file that failed midway leaves no card to the next one (one jest process
 * runs every integration file, and the readers are shared).
 */
const inReaders: Map<object, () => Promise<void>> = ((
  globalThis as { __scmCardsInReaders?: Map<object, () => Promise<void>> }
).__scmCardsInReaders ??= new Map());

/** A software card kept by the test across insertions (its backend holds what was written to it). */
export interface TestCard {
  serial: string;
  backend: SoftPivBackend;
  /** How the card behaves in every reader it is put into (e.g. commands it refuses). */
  options?: PivCardOptions;
  inserted?: { reader: TestReader; card: EmulatedCard };
}

/** A blank software card with a serial no other test card of this run has (options: e.g. commands it refuses). */
export function blankCard(options?: PivCardOptions): TestCard {
  const serial = ++serialSeq;
  return { serial: String(serial), backend: new SoftPivBackend({ serial }), ...(options ? { options } : {}) };
}

/** Puts a test card into a reader (the reader must be empty) and waits until pcscd sees it. */
export async function insert(c: TestCard, reader: TestReader): Promise<void> {
  if (c.inserted) throw new Error(`card ${c.serial} is already in a reader`);
  for (let attempt = 1; ; attempt++) {
    // vpcd lets go of a reader's previous connection a little after pcscd reports the reader
    // empty; a card connecting before that is dropped: then it is put in again at once.
    let dropped = false;
    const card = await startEmulatedCard({
      ...c.options,
      backend: c.backend,
      port: reader.port,
      onClose: () => {
        dropped = true;
      },
    });
    const seen = await waitFor(
      `${reader.name} of workstation ${reader.ws.id} to show card ${c.serial}`,
      async () => (dropped ? false : (await cardPresent(reader)) ? true : undefined),
      15_000,
      100,
    ).catch((e: unknown) => e as Error);
    if (seen === true && !dropped) {
      c.inserted = { reader, card };
      inReaders.set(c, () => remove(c));
      return;
    }
    await card.remove();
    if (attempt === 3) throw seen instanceof Error ? seen : new Error(`card ${c.serial} was dropped by vpcd ${attempt} times`);
  }
}

/** Takes a test card out and waits until pcscd noticed. */
export async function remove(c: TestCard): Promise<void> {
  const i = c.inserted;
  if (!i) return;
  c.inserted = undefined;
  inReaders.delete(c);
  await i.card.remove();
  await waitForCard(i.reader, false);
}

/** A PIV session straight to the software card (no PC/SC): the test reads what the card holds. */
export function directSession(c: TestCard): Promise<PivSession> {
  if (!c.inserted) throw new Error(`card ${c.serial} is not inserted`);
  const card = c.inserted.card.card;
  return PivSession.open({ transmit: (a: Uint8Array) => card.transmit(a) });
}

/** Inserts a card and waits until the reader's worker has looked at it (so other tools find the card free). */
export async function insertInspected(s: { workers: Map<number, RunningWorker> }, c: TestCard, reader: TestReader): Promise<void> {
  const w = s.workers.get(reader.ws.id);
  const seen = new RegExp(`"serial":"${c.serial}","state":"[a-z]+","msg":"card inspected"`, 'g');
  const before = w ? (w.log().match(seen) ?? []).length : 0;
  await insert(c, reader);
  if (w)
    await waitFor(
      `worker ${reader.ws.id} to inspect card ${c.serial}`,
      async () => ((w.log().match(seen) ?? []).length > before ? true : undefined),
      20_000,
      100,
    );
}
