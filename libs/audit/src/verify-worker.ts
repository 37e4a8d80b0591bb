/** A worker thread of verifyStoredChain: summarises the runs of the chain it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { summariseRun } from './chain-verifier';
import { recordsOfBatch } from './stored-batch';

const wanted = new Set<number>(workerData as number[]);
parentPort?.on('message', (m: { id: number; text: string }) => {
  try {
    parentPort?.postMessage({ id: m.id, run: summariseRun(recordsOfBatch(m.text), wanted) });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: (e as Error).message });
  }
});
