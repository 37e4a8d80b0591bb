#!/usr/bin/env node
/*
 * `npm run bench [name...]`: runs the compiled benchmarks in dist/bench one after another; each
 * prints its own table. With names, only the benchmarks whose file name contains one of them.
 */
const { readdirSync } = require('node:fs');
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
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f.replace(/\.js$/, '')}`);
  const r = spawnSync(process.execPath, [join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
