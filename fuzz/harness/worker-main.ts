import { parentPort, workerData } from 'node:worker_threads';
import { fuzz } from './engine';
import { targetByName } from '../targets';

/** One target in a worker thread; the current input is kept in shared memory for the runner's watchdog. */
interface Data {
  name: string;
  durationMs: number;
  seed: number;
  shared: SharedArrayBuffer;
}

async function main(): Promise<void> {
  const { name, durationMs, seed, shared } = workerData as Data;
  const head = new Int32Array(shared, 0, 4);
  const body = new Uint8Array(shared, 16);
  const target = targetByName(name);
  const state = await target.setup();
  parentPort!.postMessage({ type: 'ready' });
  const stats = await fuzz(target, state, {
    durationMs,
    seed,
    onInput: (input, executions) => {
      const n = Math.min(input.length, body.length);
      body.set(input.subarray(0, n));
      Atomics.store(head, 0, n);
      Atomics.store(head, 2, input.length > n ? 1 : 0);
      Atomics.store(head, 1, executions + 1);
    },
    onFinding: (f) => parentPort!.postMessage({ type: 'finding', finding: f }),
  });
  await target.teardown?.(state);
  parentPort!.postMessage({ type: 'done', executions: stats.executions });
}

main().catch((e: unknown) => {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
});
