#!/usr/bin/env node
/*
 * `npm start`: the issuer API and a card worker for workstation 0, with defaults that need no
 * configuration. Ctrl-C stops both. SCM_START_WORKSTATIONS=0,1,2,3 starts more card workers.
 */
const { spawn } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stateDir = process.env.SCM_STATE_DIR || '/var/lib/scm';
const port = process.env.SCM_HTTP_PORT || '7400';
const host = process.env.SCM_HTTP_HOST || '127.0.0.1';
const apiUrl = process.env.SCM_API_URL || `http://${host}:${port}`;
const wanted = (process.env.SCM_START_WORKSTATIONS || '0').split(',').map((s) => parseInt(s, 10));

const table = JSON.parse(readFileSync(join(stateDir, 'workstations.json'), 'utf8')).workstations;
const children = [];
let stopping = false;

function run(name, script, env) {
  const child = spawn(process.execPath, [join(root, 'dist', script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`start: ${name} exited (${signal || code}); stopping`);
    stop(code || 1);
  });
  children.push(child);
  return child;
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(code);
  }, 5000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(() => process.exit(code));
}

async function waitHealthy() {
  for (let i = 0; i < 150; i++) {
    try {
      const r = await fetch(`http://${host}:${port}/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function main() {
  // The application role's password, which scripts/setup set (a server that trusts local clients ignores it).
  const appPassword = join(stateDir, 'db', 'scm_app.password');
  const dbEnv = !process.env.SCM_DATABASE_PASSWORD_FILE && existsSync(appPassword) ? { SCM_DATABASE_PASSWORD_FILE: appPassword } : {};
  // `npm start` runs a development machine: blank cards outside registered stock are factory-default
  // stock (docs/stock.md). A production deployment leaves SCM_DEV_STOCK off.
  run('issuer-api', 'apps/issuer-api/src/main.js', {
    SCM_HTTP_PORT: port,
    SCM_HTTP_HOST: host,
    SCM_DEV_STOCK: process.env.SCM_DEV_STOCK || '1',
    ...dbEnv,
  });
  const ok = await waitHealthy();
  if (!ok) {
    console.error('start: the issuer API did not become healthy within 30 s (see its log above)');
    return stop(1);
  }
  for (const id of wanted) {
    const ws = table.find((w) => w.id === id);
    if (!ws) {
      console.error(`start: no workstation ${id} in ${stateDir}/workstations.json`);
      return stop(1);
    }
    run(`card-worker ${id}`, 'apps/card-worker/src/main.js', {
      SCM_WORKSTATION: String(id),
      SCM_API_URL: apiUrl,
      PCSCLITE_CSOCK_NAME: ws.socket,
    });
  }
  console.error(
    [
      '',
      `  SCM is up.`,
      `    API       ${apiUrl}/api/v1`,
      `    Health    ${apiUrl}/health`,
      `    OpenAPI   ${apiUrl}/api/docs`,
      `    Metrics   ${apiUrl}/metrics`,
      `    Workers   workstation ${wanted.join(', ')}`,
      `  Try: bin/scm readers --all    (Ctrl-C stops SCM)`,
      '',
    ].join('\n'),
  );
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
main();
