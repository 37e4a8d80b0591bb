#!/usr/bin/env node
/*
 * `npm run bench [name...]`: runs the compiled benchmarks in dist/bench one after another; each
 * prints its own table. With names, only the benchmarks whose file name contains one of them.
 */
const { readdirSync, readFileSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir, cpus, totalmem } = require('node:os');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const dir = join(__dirname, '..', 'dist', 'bench');
const filters = process.argv.slice(2);
let files;
try {
  files = readdirSync(dir).filter((f) => f.endsWith('.js') && !f.startsWith('_'));
} catch {
  console.error('bench: no dist/bench; run "npm run build" (or scripts/setup) first');
  process.exit(1);
}
files = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error(`bench: nothing matches ${filters.join(', ')}`);
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), 'scm-bench-'));
const summaryFile = join(tmp, 'summary.jsonl');
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f.replace(/\.js$/, '')}`);
  const r = spawnSync(process.execPath, [join(dir, f)], { stdio: 'inherit', env: { ...process.env, BENCH_SUMMARY_FILE: summaryFile } });
  if (r.status !== 0) failed++;
}
printSummary();
rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);

/** The closing table: each row SCM's figure, the anchor measured in the same run, and the ratio. */
function printSummary() {
  let rows = [];
  try {
    rows = readFileSync(summaryFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return;
  }
  if (rows.length === 0) return;
  const num = (x) => (Number.isInteger(x) ? x.toLocaleString('en') : x.toLocaleString('en', { maximumFractionDigits: 2 }));
  const body = rows.map((r) => {
    const ratio = r.anchor && r.anchor.value ? r.scm / r.anchor.value : undefined;
    return [
      r.what,
      `${num(r.scm)} ${r.unit}`,
      r.anchor ? `${r.anchor.name}: ${num(r.anchor.value)} ${r.unit}` : '',
      ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
      r.target ?? '',
    ];
  });
  const head = ['What', 'SCM', 'Anchor (same run)', 'Ratio', 'Target'];
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  console.log(
    `\n=== summary (${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node})`,
  );
  console.log([line(head), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...body.map(line)].join('\n'));
}
