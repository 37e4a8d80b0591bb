#!/usr/bin/env node
/*
 * Compiles apps/ and libs/ to dist/ with swc (tsconfig paths rewritten, decorator metadata kept),
 * then builds the console (apps/console, Vite) into dist/console and prints its first-load size.
 */
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const r = spawnSync(bin('swc'), ['apps', 'libs', 'bench', '-d', 'dist', '--ignore', '**/*.spec.ts,apps/console/**', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
if (r.error) {
  console.error(`build: ${r.error.message} (run "npm ci" first)`);
  process.exit(1);
}
if (r.status !== 0) process.exit(r.status ?? 1);

// The console. Its budget: the JavaScript a first visit loads (the entry and what it preloads), gzipped.
const BUDGET_KB = 300;
const v = spawnSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: join(root, 'apps', 'console'), stdio: 'inherit' });
if (v.status !== 0) {
  console.error('build: the console did not build');
  process.exit(v.status ?? 1);
}
const out = join(root, 'dist', 'console');
const html = readFileSync(join(out, 'index.html'), 'utf8');
const first = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((m) => m[1]);
const kb = first.reduce((n, f) => n + gzipSync(readFileSync(join(out, f))).length, 0) / 1024;
console.log(`build: console first load ${kb.toFixed(1)} KB of JavaScript gzipped (${first.length} file(s); budget ${BUDGET_KB} KB)`);
if (kb > BUDGET_KB) {
  console.error(`build: the console's first load is over its budget of ${BUDGET_KB} KB`);
  process.exit(1);
}
