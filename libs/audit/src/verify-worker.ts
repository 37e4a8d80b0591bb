/**
 * A worker thread of verifyStoredChain: on a database connection of its own, reads the ranges of
 * the chain it is sent and answers each with its summary (summariseRun).
 */
import { Client } from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { summariseRun } from './chain-verifier';
import { RANGE_QUERY, RANGE_SESSION, recordOfRaw } from './stored-batch';

const { url, wanted } = workerData as { url: string; wanted: number[] };
const seqs = new Set<number>(wanted);
const raw = { getTypeParser: () => (v: string) => v };
const client = new Client({ connectionString: url, application_name: 'scm-audit-verify' });
const ready = client.connect().then(() => client.query(RANGE_SESSION));

parentPort?.on('message', (m: { id: number; from: number; to: number } | 'close') => {
  if (m === 'close') {
    void client.end().finally(() => parentPort?.close());
    return;
  }
  ready
    .then(() => client.query<Array<string | null>>({ text: RANGE_QUERY, values: [m.from, m.to], rowMode: 'array', types: raw }))
    .then((res) => parentPort?.postMessage({ id: m.id, run: summariseRun(res.rows.map(recordOfRaw), seqs) }))
    .catch((e: unknown) => parentPort?.postMessage({ id: m.id, error: (e as Error).message }));
});
