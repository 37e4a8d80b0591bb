#!/usr/bin/env node
/* Compiles apps/ and libs/ to dist/ with swc (tsconfig paths rewritten, decorator metadata kept). */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const swc = join(root, 'node_modules', '.bin', 'swc');
const r = spawnSync(swc, ['apps', 'libs', 'bench', '-d', 'dist', '--ignore', '**/*.spec.ts', '--quiet'], { cwd: root, stdio: 'inherit' });
if (r.error) {
  console.error(`build: ${r.error.message} (run "npm ci" first)`);
  process.exit(1);
}
process.exit(r.status ?? 1);
