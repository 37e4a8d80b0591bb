/**
 * HTTP load from a worker thread of its own (its own event loop, so the API's event loop in the
 * benchmark's process serves requests only): `clients` concurrent loops of POSTs over keep-alive
 * connections, for `seconds`.
 */
import { Worker } from 'node:worker_threads';

const CODE = `
  const { parentPort, workerData: w } = require('node:worker_threads');
  const http = require('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: w.clients });
  const u = new URL(w.url);
  let next = 0;
  const post = (body) => new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + w.token } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
  (async () => {
    const lat = [];
    const end = Date.now() + w.seconds * 1000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: w.clients }, async () => {
      while (Date.now() < end) {
        if (next >= w.bodies.length) throw new Error('ran out of request bodies');
        const s = performance.now();
        const r = await post(w.bodies[next++]);
        if (r.status !== w.status) throw new Error('HTTP ' + r.status + ' ' + r.text.slice(0, 300));
        lat.push(performance.now() - s);
      }
    }));
    const secs = (performance.now() - t0) / 1000;
    agent.destroy();
    parentPort.postMessage({ lat: lat.sort((a, b) => a - b), secs });
  })().catch((e) => parentPort.postMessage({ error: e.message }));`;

export interface LoadResult {
  /** Latencies in ms, sorted. */
  lat: number[];
  secs: number;
}

/** POSTs bodies[0], bodies[1], … (each once) to url, expecting `status`; throws on any other answer. */
export function loadFromThread(opts: {
  url: string;
  token: string;
  clients: number;
  seconds: number;
  bodies: string[];
  status: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(CODE, { eval: true, workerData: opts });
    w.once('message', (m: { lat?: number[]; secs?: number; error?: string }) => {
      void w.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve({ lat: m.lat!, secs: m.secs! });
    });
    w.once('error', reject);
  });
}

export const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
