export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thrown inside a `waitFor` probe: ends the wait at once (what it waits for can no longer happen). */
export class Hopeless extends Error {}

/**
 * Polls `fn` until it returns a value (not undefined), or fails naming what it waited for and the
 * last error the probe threw. A probe that throws `Hopeless` ends the wait with that error.
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000, everyMs = 250): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      if (e instanceof Hopeless) throw e;
      last = e;
    }
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}
