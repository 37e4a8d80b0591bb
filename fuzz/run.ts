/**
 * `npm run fuzz [target...]`: runs each fuzz target for FUZZ_SECONDS (default 30) in a worker
 * thread and prints a table of targets, executions and findings. A worker stuck on one input for
 * longer than the hang limit is stopped and the input kept; so is one that runs out of memory.
 * Findings go to fuzz/out/<target>/ (input .bin and what went wrong .txt); turn each into a fix
 * and a corpus case (docs/fuzzing.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Finding, fuzz, inputId } from './harness/engine';
import { TARGETS } from './targets';
import type { FuzzTarget } from './harness/target';

const SHARED_BYTES = 4 * 1024 * 1024;
const OUT = join(__dirname, 'out');

interface Row {
  target: string;
  executions: number;
  findings: Finding[];
  seconds: number;
  /** Time spent on inputs (setup excluded). */
  fuzzSeconds: number;
  error?: string;
}

function runWorker(
  name: string,
  durationMs: number,
  seed: number,
  hangMs: number,
): Promise<{ executions: number; findings: Finding[]; error?: string; stopped?: Finding; ms: number }> {
  const shared = new SharedArrayBuffer(16 + SHARED_BYTES);
  const head = new Int32Array(shared, 0, 4);
  const body = new Uint8Array(shared, 16);
  const current = (): Uint8Array => Uint8Array.from(body.subarray(0, Atomics.load(head, 0)));
  return new Promise((resolve) => {
    const findings: Finding[] = [];
    const w = new Worker(join(__dirname, '..', 'scripts', 'fuzz-worker.js'), {
      workerData: { name, durationMs, seed, shared },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    let ready = false;
    let readyAt = 0;
    let last = -1;
    let lastChange = Date.now();
    let settled = false;
    const finish = (r: { executions: number; error?: string; stopped?: Finding }): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      resolve({ ...r, findings, ms: ready ? Date.now() - readyAt : 0 });
    };
    const watch = setInterval(() => {
      if (!ready) return;
      const n = Atomics.load(head, 1);
      if (n !== last) {
        last = n;
        lastChange = Date.now();
        return;
      }
      if (Date.now() - lastChange > hangMs) {
        const input = current();
        const stopped: Finding = { kind: 'hang', signature: 'hang:sync', message: `no progress for ${hangMs} ms`, input, ms: hangMs };
        void w.terminate();
        finish({ executions: Math.max(0, n - 1), stopped });
      }
    }, 250);
    w.on('message', (m: { type: string; finding?: Finding; executions?: number; message?: string }) => {
      if (m.type === 'ready') {
        ready = true;
        readyAt = lastChange = Date.now();
      } else if (m.type === 'finding' && m.finding) findings.push({ ...m.finding, input: new Uint8Array(m.finding.input) });
      else if (m.type === 'done') finish({ executions: m.executions ?? 0 });
      else if (m.type === 'error') finish({ executions: Math.max(0, Atomics.load(head, 1) - 1), error: m.message });
    });
    w.on('error', (e: Error & { code?: string }) => {
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const stopped: Finding | undefined = ready
        ? { kind: oom ? 'oom' : 'crash', signature: oom ? 'oom' : `worker:${e.name}`, message: e.message, input: current(), ms: 0 }
        : undefined;
      finish({ executions: Math.max(0, Atomics.load(head, 1) - 1), stopped, error: ready ? undefined : e.message });
    });
    w.on('exit', () => finish({ executions: Math.max(0, Atomics.load(head, 1) - 1) }));
  });
}

/** A target that runs in this thread (it starts a server): no watchdog, its own answers have deadlines. */
async function runHere(
  t: FuzzTarget<never>,
  durationMs: number,
  seed: number,
): Promise<{ executions: number; findings: Finding[]; error?: string; stopped?: Finding; ms: number }> {
  let state: never;
  try {
    state = await t.setup();
  } catch (e) {
    return { executions: 0, findings: [], error: e instanceof Error ? (e.stack ?? e.message) : String(e), ms: 0 };
  }
  try {
    const stats = await fuzz(t, state, { durationMs, seed });
    return { executions: stats.executions, findings: stats.findings, ms: stats.ms };
  } finally {
    await t.teardown?.(state);
  }
}

function save(target: string, f: Finding): string {
  const dir = join(OUT, target);
  mkdirSync(dir, { recursive: true });
  const id = `${f.kind}-${inputId(f.input)}`;
  writeFileSync(join(dir, `${id}.bin`), f.input);
  writeFileSync(join(dir, `${id}.txt`), `${f.signature}\n${f.message}\n`);
  return join('fuzz', 'out', target, `${id}.bin`);
}

async function main(): Promise<void> {
  const seconds = Number(process.env.FUZZ_SECONDS ?? 30);
  const baseSeed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const filters = process.argv.slice(2);
  const targets = TARGETS.filter((t) => filters.length === 0 || filters.some((f) => t.name.includes(f)));
  if (targets.length === 0) {
    console.error(`fuzz: no target matches ${filters.join(', ')} (targets: ${TARGETS.map((t) => t.name).join(', ')})`);
    process.exit(2);
  }
  console.log(`fuzz: ${targets.length} targets, ${seconds} s each, seed ${baseSeed}`);
  const rows: Row[] = [];
  for (const [i, t] of targets.entries()) {
    const hangMs = Math.max(10_000, 5 * (t.budgetMs ?? 2000));
    const row: Row = { target: t.name, executions: 0, findings: [], seconds: 0, fuzzSeconds: 0 };
    const started = Date.now();
    let seed = baseSeed + i * 1_000_003;
    // A stopped worker (hang, out of memory) is started again for what is left of the time.
    while (Date.now() - started < seconds * 1000 - 500) {
      const left = seconds * 1000 - (Date.now() - started);
      const r = t.inProcess ? await runHere(t, left, seed++) : await runWorker(t.name, left, seed++, hangMs);
      row.executions += r.executions;
      row.fuzzSeconds += r.ms / 1000;
      for (const f of [...r.findings, ...(r.stopped ? [r.stopped] : [])]) {
        if (row.findings.some((x) => x.signature === f.signature)) continue;
        row.findings.push(f);
        console.log(`  ${t.name}: ${f.kind} ${f.message.split('\n')[0].slice(0, 160)} -> ${save(t.name, f)}`);
      }
      if (r.error) {
        row.error = r.error.split('\n')[0];
        console.log(`  ${t.name}: could not run: ${r.error}`);
        break;
      }
      if (!r.stopped) break;
    }
    row.seconds = (Date.now() - started) / 1000;
    rows.push(row);
    console.log(`  ${t.name}: ${row.executions.toLocaleString('en')} executions, ${row.findings.length} findings`);
  }
  const table = [
    ['Target', 'Executions', 'Exec/s', 'Findings'],
    ...rows.map((r) => [
      r.target,
      r.executions.toLocaleString('en'),
      Math.round(r.executions / Math.max(r.fuzzSeconds, 0.001)).toLocaleString('en'),
      r.error ? `not run: ${r.error.slice(0, 60)}` : String(r.findings.length),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const line = (r: string[]): string => `| ${r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join(' | ')} |`;
  console.log(`\n${line(table[0])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.slice(1).map(line).join('\n')}`);
  const total = rows.reduce((n, r) => n + r.findings.length, 0);
  if (total) console.log(`\n${total} findings in fuzz/out/ (input .bin, error .txt)`);
  process.exit(total || rows.some((r) => r.error) ? 1 : 0);
}

void main();
