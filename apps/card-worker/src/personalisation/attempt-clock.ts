import { AsyncLocalStorage } from 'node:async_hooks';

/** Where one card session's time went: API calls by name, card exchanges, and the rest. */
export interface AttemptTimes {
  /** ms and count per API call (`claim`, `certify`, …) and per reader operation (`reader:open`, …). */
  api: Record<string, { n: number; ms: number }>;
  /** Time spent waiting for the card (APDUs, including the reader host's IPC and pcscd). */
  card: { n: number; ms: number };
}

const store = new AsyncLocalStorage<AttemptTimes>();

/** Runs `fn` with a fresh clock; every API call and APDU it makes is added to the clock it returns. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; times: AttemptTimes }> {
  const times: AttemptTimes = { api: {}, card: { n: 0, ms: 0 } };
  const value = await store.run(times, fn);
  return { value, times };
}

function add(times: AttemptTimes | undefined, what: 'card' | string, ms: number): void {
  if (!times) return;
  const slot = what === 'card' ? times.card : (times.api[what] ??= { n: 0, ms: 0 });
  slot.n++;
  slot.ms += ms;
}

/** Measures one awaited operation into the current clock (no clock: just runs it). */
export async function measure<T>(what: string, op: () => Promise<T>): Promise<T> {
  const times = store.getStore();
  if (!times) return op();
  const t0 = performance.now();
  try {
    return await op();
  } finally {
    add(times, what, performance.now() - t0);
  }
}

/** The clock's figures rounded for a log line: total API ms, card ms, and the API calls by name. */
export function summarise(t: AttemptTimes): { apiMs: number; apiCalls: number; cardMs: number; calls: Record<string, string> } {
  const calls: Record<string, string> = {};
  let apiMs = 0;
  let apiCalls = 0;
  for (const [k, v] of Object.entries(t.api)) {
    calls[k] = `${v.n}×${Math.round(v.ms)}ms`;
    if (k.startsWith('reader:')) continue;
    apiMs += v.ms;
    apiCalls += v.n;
  }
  return { apiMs: Math.round(apiMs), apiCalls, cardMs: Math.round(t.card.ms), calls };
}
