import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ENTRY = join(ROOT, 'dist', 'apps', 'card-worker', 'src', 'main.js');

/**
 * Server-side packages a workstation never needs: PKCS#11 (the HSM stays with the API), the
 * database, and Redis (the API leases card jobs; a workstation holds no Redis URL or credentials).
 */
const SERVER_ONLY = ['graphene-pk11', 'node-webcrypto-p11', 'pkcs11js', 'typeorm', 'pg', 'ioredis', 'bullmq'];

/*
 * Runs in a fresh node process. It requires what the worker's compiled main.js requires, without
 * running main.js itself (that would read the configuration and start the worker), then prints, as
 * JSON, every module loaded and, for each server-only package in require.cache, the chain of
 * modules that first loaded it.
 */
const PROBE = String.raw`
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { relative, sep } = require('node:path');
const [entry, root, packagesJson] = process.argv.slice(1);
const packages = JSON.parse(packagesJson);
const req = Module.createRequire(entry);
const roots = [];
for (const m of readFileSync(entry, 'utf8').matchAll(/require\(("[^"]+")\)/g)) {
  const id = JSON.parse(m[1]);
  req(id);
  if (!Module.isBuiltin(id)) roots.push(require.cache[req.resolve(id)]);
}
const name = (f) => relative(root, f);
const pkgOf = (f) => {
  const parts = f.split(sep);
  const i = parts.lastIndexOf('node_modules');
  return i < 0 ? undefined : parts[i + 1].startsWith('@') ? parts[i + 1] + '/' + parts[i + 2] : parts[i + 1];
};
const chainTo = (pkg) => {
  const seen = new Set();
  const queue = roots.map((m) => [m]);
  while (queue.length) {
    const path = queue.shift();
    const last = path[path.length - 1];
    if (seen.has(last)) continue;
    seen.add(last);
    if (pkgOf(last.filename) === pkg) return path.map((m) => name(m.filename));
    for (const c of last.children) queue.push([...path, c]);
  }
  return ['(loaded, chain not found)'];
};
const loaded = Object.keys(require.cache);
const found = {};
for (const p of packages) if (loaded.some((f) => pkgOf(f) === p)) found[p] = chainTo(p);
process.stdout.write(JSON.stringify({ loaded: loaded.map(name), found }));
`;

/**
 * The card worker runs on workstations: its module graph must not load the HSM (PKCS#11), the
 * database clients or a Redis client. Checked on the build (dist/), what `npm start` runs.
 */
describe('card worker module graph', () => {
  it('loads no PKCS#11, database or Redis package', () => {
    expect(existsSync(ENTRY)).toBe(true);
    const r = spawnSync(process.execPath, ['-e', PROBE, ENTRY, ROOT, JSON.stringify(SERVER_ONLY)], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const out = JSON.parse(r.stdout) as { loaded: string[]; found: Record<string, string[]> };
    // The probe really loaded the worker: its Nest module and the services behind it.
    expect(out.loaded).toEqual(
      expect.arrayContaining([
        'dist/apps/card-worker/src/worker.module.js',
        'dist/apps/card-worker/src/personalisation/card-personaliser.js',
        'dist/apps/card-worker/src/activation/activation-socket.service.js',
      ]),
    );
    // Each entry names the chain of modules that pulled the package in.
    expect(out.found).toEqual({});
  });
});
