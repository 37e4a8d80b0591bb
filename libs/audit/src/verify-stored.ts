import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Queryable, readCheckpoints } from './audit-store';
import { ChainVerifier, type RunSummary, summariseRun, type VerifyReport } from './chain-verifier';
import { BATCH_QUERY, recordsOfBatch } from './stored-batch';

/** The chain's batches as JSON text (BATCH_QUERY), in seq order; the next is read while the caller works. */
export async function* readChainBatches(db: Queryable, fromSeq = 1, batch = 10_000): AsyncGenerator<string> {
  const fetch = (from: number) => db.query(BATCH_QUERY, [from, batch]) as Promise<Array<{ j: string | null; n: number; m: string | null }>>;
  let next = fetch(fromSeq);
  for (;;) {
    const [r] = await next;
    const more = r.n === batch;
    if (more) next = fetch(Number(r.m) + 1);
    if (r.j) yield r.j;
    if (!more) return;
  }
}

const WORKER_FILE = join(__dirname, 'verify-worker.js');

/** Worker threads that summarise runs; null where the compiled worker is not there (tests on the sources). */
class RunPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: RunSummary) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private constructor(threads: number, wanted: Set<number>) {
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(WORKER_FILE, { workerData: [...wanted] });
      w.on('message', (m: { id: number; run?: RunSummary; error?: string }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.run) p?.resolve(m.run);
        else p?.reject(new Error(m.error ?? 'verify worker failed'));
      });
      w.on('error', (e) => this.failAll(e));
      return w;
    });
  }

  static open(threads: number, wanted: Set<number>): RunPool | null {
    return threads > 0 && existsSync(WORKER_FILE) ? new RunPool(threads, wanted) : null;
  }

  summarise(text: string): Promise<RunSummary> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.workers.length].postMessage({ id, text });
    });
  }

  private failAll(e: Error): void {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Verifies the chain stored in the database against its signed checkpoints, trusting `trustedKeys`:
 * the same result as pushing every record through a ChainVerifier, but the database builds each
 * batch as one JSON text, and worker threads (one per core by default, up to 4) parse and hash
 * the batches while the next are read.
 */
export async function verifyStoredChain(
  db: Queryable,
  trustedKeys: readonly Uint8Array[],
  opts: { threads?: number; batch?: number } = {},
): Promise<VerifyReport> {
  const v = new ChainVerifier(await readCheckpoints(db));
  const wanted = v.wantedSeqs();
  const pool = RunPool.open(opts.threads ?? Math.min(4, availableParallelism()), wanted);
  const inFlight: Array<Promise<RunSummary>> = [];
  const depth = 2 * Math.max(1, opts.threads ?? 2);
  try {
    for await (const text of readChainBatches(db, 1, opts.batch)) {
      if (!pool) {
        v.pushRun(summariseRun(recordsOfBatch(text), wanted));
        continue;
      }
      inFlight.push(pool.summarise(text));
      if (inFlight.length >= depth) v.pushRun(await inFlight.shift()!);
    }
    while (inFlight.length) v.pushRun(await inFlight.shift()!);
  } finally {
    await Promise.allSettled(inFlight);
    await pool?.close();
  }
  return v.finish(trustedKeys);
}
