import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { chainHead, type Queryable, readChain, readCheckpoints } from './audit-store';
import { ChainVerifier, type RunSummary, type VerifyReport } from './chain-verifier';

const WORKER_FILE = join(__dirname, 'verify-worker.js');

/** Worker threads, each with a connection of its own, that read and summarise ranges of the chain. */
class RangePool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: RunSummary) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(threads: number, url: string, wanted: Set<number>) {
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(WORKER_FILE, { workerData: { url, wanted: [...wanted] } });
      w.on('message', (m: { id: number; run?: RunSummary; error?: string }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.run) p?.resolve(m.run);
        else p?.reject(new Error(`audit verification: ${m.error ?? 'a worker failed'}`));
      });
      w.on('error', (e) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
      return w;
    });
  }

  summarise(from: number, to: number): Promise<RunSummary> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.workers.length].postMessage({ id, from, to });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export interface VerifyStoredOptions {
  /** The database's URL for the workers' own connections; without it the chain is read through `db`, in this thread. */
  databaseUrl?: string;
  /** Worker threads (default: one per core, at most 4; 0 = none). */
  threads?: number;
  /** Events per range a worker reads at once. */
  range?: number;
}

/**
 * Verifies the chain stored in the database (up to its head when the call starts) against the
 * signed checkpoints, trusting `trustedKeys`. With a database URL, worker threads read disjoint
 * ranges of seq on connections of their own, with no type parsing in the driver, and hash them;
 * this thread joins their summaries in order (ChainVerifier.pushRun), which gives the report
 * pushing every record in order would.
 */
export async function verifyStoredChain(
  db: Queryable,
  trustedKeys: readonly Uint8Array[],
  opts: VerifyStoredOptions = {},
): Promise<VerifyReport> {
  const v = new ChainVerifier(await readCheckpoints(db));
  const threads = opts.threads ?? Math.min(4, availableParallelism());
  if (!opts.databaseUrl || threads <= 0 || !existsSync(WORKER_FILE)) {
    for await (const r of readChain(db)) v.push(r);
    return v.finish(trustedKeys);
  }
  const head = await chainHead(db);
  const range = opts.range ?? 20_000;
  const pool = new RangePool(threads, opts.databaseUrl, v.wantedSeqs());
  const inFlight: Array<Promise<RunSummary>> = [];
  try {
    for (let from = 1; from <= head.seq; from += range) {
      inFlight.push(pool.summarise(from, Math.min(from + range, head.seq + 1)));
      if (inFlight.length >= 2 * threads) v.pushRun(await inFlight.shift()!);
    }
    while (inFlight.length) v.pushRun(await inFlight.shift()!);
  } finally {
    await Promise.allSettled(inFlight);
    await pool.close();
  }
  return v.finish(trustedKeys);
}
