#!/usr/bin/env node
/*
 * `npm run demo`: SCM's issuance from end to end on this machine. Uses the running stack when its
 * API answers (SCM_API_URL, default http://127.0.0.1:7400), else sets up and starts one (API and card
 * workers for workstations 0 and 1) and stops it at the end. Then: two demo officers (separation of
 * duties: one registers and requests, the other approves the registrations and activates), the local card
 * workers approved, four cardholders, blank software cards in the virtual readers, a batch issued
 * with progress bars, one card activated with a PIN typed at its workstation, a table of the issued
 * cards, and OpenSC reading the activated card. SCM_DEMO_KEEP=1 leaves what it started running.
 */
const { spawn, spawnSync, execFile, execFileSync } = require('node:child_process');
const { promisify } = require('node:util');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stateDir = process.env.SCM_STATE_DIR || '/var/lib/scm';
const apiUrl = (process.env.SCM_API_URL || `http://127.0.0.1:${process.env.SCM_HTTP_PORT || '7400'}`).replace(/\/$/, '');
const tmp = mkdtempSync(join(tmpdir(), 'scm-demo-'));
const env = { ...process.env, SCM_API_URL: apiUrl, SCM_CLI_SESSION_FILE: join(tmp, 'session.json') };
const started = [];
const cards = [];
/** Tools that talk to the cards run asynchronously: the cards answer from this process. */
const run = async (file, args, opts) => (await promisify(execFile)(file, args, { encoding: 'utf8', ...opts })).stdout;

const say = (s) => process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * bin/scm with the demo's session; output shown unless captured. Asynchronous: the software cards
 * live in this process and must keep answering their readers while a command runs.
 */
function scm(args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'bin', 'scm'), args, {
      env: { ...env, ...opts.env },
      stdio: [opts.input === undefined ? 'inherit' : 'pipe', opts.capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let out = '';
    if (opts.capture) child.stdout.on('data', (d) => (out += d));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`scm ${args.join(' ')} exited ${code}`))));
  });
}

async function healthy() {
  try {
    return (await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function ensureStack() {
  if (await healthy()) {
    say(`Using the running SCM at ${apiUrl}`);
    return;
  }
  say('Starting SCM (scripts/setup, then the API and card workers for workstations 0 and 1)');
  if (!process.env.SCM_DEMO_SKIP_SETUP) {
    const r = spawnSync(join(root, 'scripts', 'setup'), ['--quiet'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/setup failed');
  }
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.js')], {
    env: { ...process.env, SCM_START_WORKSTATIONS: process.env.SCM_START_WORKSTATIONS || '0,1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  started.push(child);
  for (let i = 0; i < 300 && !(await healthy()); i++) await sleep(200);
  if (!(await healthy())) throw new Error('the API did not come up');
}

async function main() {
  const { startEmulatedCard, SoftPivBackend } = require(join(root, 'dist', 'libs', 'card-engine', 'src'));
  await ensureStack();

  say('Two demo security officers (created on this host), logged in: one registers and requests, the other approves and activates');
  const officer = `demo-officer-${Date.now().toString(36)}`;
  const password = `demo ${Math.random().toString(36).slice(2)} password`;
  await scm(['admin', 'create-user', '-u', officer, '-r', 'security-officer', 'help-desk'], {
    env: { SCM_PASSWORD: password },
    capture: true,
  });
  await scm(['login', '-u', officer], { env: { SCM_PASSWORD: password }, capture: true });
  const second = `demo-second-${Date.now().toString(36)}`;
  const secondPassword = `demo ${Math.random().toString(36).slice(2)} password`;
  await scm(['admin', 'create-user', '-u', second, '-r', 'security-officer'], { env: { SCM_PASSWORD: secondPassword }, capture: true });
  // SCM_PASSWORD: the second officer's sensitive actions (approve, activation start) confirm it again.
  const asSecond = { SCM_CLI_SESSION_FILE: join(tmp, 'second-session.json'), SCM_PASSWORD: secondPassword };
  await scm(['login', '-u', second], { env: asSecond, capture: true });

  // Card workers give blank cards to the oldest waiting request: the demo's cards would go to others.
  const waiting = JSON.parse(await scm(['request', 'list', '--state', 'awaiting-card', '--json'], { capture: true }));
  if (waiting.length) {
    throw new Error(
      `${waiting.length} request(s) already wait for a card, and blank cards go to the oldest first: ` +
        `the demo's cards would be theirs. Give them cards, or cancel them (bin/scm request cancel ID), then run the demo again.`,
    );
  }

  say('Card stock: the software cards are factory-default development stock (production registers vendor batches: docs/stock.md)');
  await scm(['stock', 'import', '--development'], { env: { SCM_PASSWORD: password } });

  say('Card workers: the local ones are approved (in production the officer compares the fingerprint first)');
  const table = JSON.parse(readFileSync(join(stateDir, 'workstations.json'), 'utf8')).workstations;
  let workers = [];
  for (let i = 0; i < 100; i++) {
    workers = JSON.parse(await scm(['worker', 'list', '--json'], { capture: true }));
    if (workers.some((w) => w.status === 'approved' && w.online) || workers.some((w) => w.status === 'pending')) break;
    await sleep(300);
  }
  for (const w of workers.filter((x) => x.status === 'pending' && table.some((t) => t.id === x.workstation))) {
    await scm(['worker', 'approve', w.fingerprint], { env: { SCM_PASSWORD: password }, capture: true });
  }
  for (let i = 0; i < 100; i++) {
    workers = JSON.parse(await scm(['worker', 'list', '--json'], { capture: true })).filter((w) => w.status === 'approved' && w.online);
    if (workers.length) break;
    await sleep(300);
  }
  if (!workers.length) throw new Error('no card worker is online: start one (npm start) and run the demo again');
  const stations = [...new Set(workers.map((w) => w.workstation))].sort();
  process.stdout.write(`workers online at workstation(s) ${stations.join(', ')}\n`);

  const readers = table.filter((w) => stations.includes(w.id)).flatMap((w) => w.vpcdPorts.map((port, index) => ({ ws: w, port, index })));
  const names = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Claude Shannon'].slice(0, Math.min(4, readers.length));
  say(`${names.length} cardholders (one per free reader)`);
  const tag = Date.now().toString(36);
  const people = names.map((name) => ({
    name,
    upn: `${name.split(' ')[0].toLowerCase()}.${tag}@demo.example`,
  }));
  for (const p of people) {
    const added = JSON.parse(await scm(['cardholder', 'add', '--name', p.name, '--upn', p.upn, '--json'], { capture: true }));
    // Separation of duties: the second officer approves each registration, and so sponsors its first card.
    if (added.approval) await scm(['approvals', 'approve', added.approval.id, '--yes'], { env: asSecond, capture: true });
  }
  process.stdout.write(people.map((p) => `  ${p.name} <${p.upn}>`).join('\n') + '\n');
  process.stdout.write(`(registered by ${officer}, approved and sponsored by ${second})\n`);

  say("Blank software cards in the virtual readers of the workers' workstations");
  // Serials from the clock (hundredths of a second), so cards of earlier demo runs never share one.
  const firstSerial = 100_000_000 + (Math.floor(Date.now() / 10) % 2_000_000_000);
  for (let i = 0; i < people.length; i++) {
    const r = readers[i];
    const serial = firstSerial + i;
    const card = await startEmulatedCard({ backend: new SoftPivBackend({ serial }), port: r.port, retryMs: 200 });
    cards.push({ serial: String(serial), card, reader: r });
    process.stdout.write(`  card ${serial} in "Virtual PCD 00 0${r.index}" of workstation ${r.ws.id}\n`);
  }

  say('A batch: keys generated and escrowed on VSCs, then personalised onto the cards (bin/scm issue --batch --watch)');
  const csv = join(tmp, 'batch.csv');
  writeFileSync(csv, `cardholder\n${people.map((p) => p.upn).join('\n')}\n`);
  // Sent once for its id, then again with the same reference (the API returns the first batch) to watch it.
  const batchId = JSON.parse(await scm(['issue', '--batch', csv, '--reference', `demo-${tag}`, '--json'], { capture: true })).batchId;
  await scm(['issue', '--batch', csv, '--reference', `demo-${tag}`, '--watch']);

  say('The issued cards');
  const reqs = JSON.parse(await scm(['request', 'list', '--batch', batchId, '--json'], { capture: true }));
  const rows = [];
  for (const r of reqs) {
    const show = JSON.parse(await scm(['request', 'show', r.id, '--json'], { capture: true }));
    const card = show.cardId
      ? await (await fetch(`${apiUrl}/api/v1/cards/${show.cardId}`, { headers: { authorization: `Bearer ${token()}` } })).json()
      : {};
    rows.push([
      card.serial || '-',
      show.cardholder.name,
      show.state,
      card.state || '-',
      show.vsc ? show.vsc.id : '-',
      show.slots.map((s) => `${s.slot}:${s.escrow}`).join(' '),
    ]);
  }
  printTable(['SERIAL', 'CARDHOLDER', 'REQUEST', 'CARD', 'VSC (= CHUID GUID)', 'SLOTS'], rows);

  const first = cards.find((c) => rows.some((r) => r[0] === c.serial && r[3] === 'issued'));
  if (!first) throw new Error('no issued card is in a reader');
  const pin = '73914628';
  say(
    `Activation of card ${first.serial} by ${second} (not the requester): identity checked, the cardholder types a PIN at workstation ${first.reader.ws.id}`,
  );
  await scm(
    [
      'activation',
      'start',
      '--card',
      first.serial,
      '--workstation',
      String(first.reader.ws.id),
      '--identity-check',
      'demo: passport seen at the desk',
    ],
    { env: asSecond },
  );
  process.stdout.write(
    `(the cardholder would type it at the prompt of "bin/scm activate --card ${first.serial}"; the demo pipes ${pin})\n`,
  );
  await scm(['activate', '--card', first.serial, '--workstation', String(first.reader.ws.id), '--pin-stdin'], { input: `${pin}\n` });

  say(`OpenSC reads card ${first.serial} (pkcs15-tool --list-certificates), signs with 9A using the new PIN, openssl verifies`);
  const toolEnv = { ...process.env, PCSCLITE_CSOCK_NAME: first.reader.ws.socket };
  const readerName = `Virtual PCD 00 0${first.reader.index}`;
  process.stdout.write(await run('pkcs15-tool', ['--reader', readerName, '--list-certificates'], { env: toolEnv }));
  writeFileSync(join(tmp, 'data.txt'), 'hello from SCM\n');
  writeFileSync(join(tmp, '9a.pem'), await run('pkcs15-tool', ['--reader', readerName, '--read-certificate', '01'], { env: toolEnv }));
  await run(
    'pkcs11-tool',
    [
      '--module',
      '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
      '--login',
      '--pin',
      pin,
      '--sign',
      '--id',
      '01',
      '-m',
      'ECDSA-SHA256',
      '--signature-format',
      'openssl',
      '-i',
      'data.txt',
      '-o',
      'sig.bin',
    ],
    { env: toolEnv, cwd: tmp },
  );
  execFileSync('openssl', ['x509', '-in', '9a.pem', '-pubkey', '-noout', '-out', 'pub.pem'], { cwd: tmp });
  process.stdout.write(
    execFileSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.bin', 'data.txt'], { cwd: tmp, encoding: 'utf8' }),
  );
  say('Done');
}

function token() {
  return JSON.parse(readFileSync(env.SCM_CLI_SESSION_FILE, 'utf8')).token;
}

function printTable(head, rows) {
  const cells = [head, ...rows];
  const w = head.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  for (const r of cells) process.stdout.write(`${r.map((c, i) => String(c).padEnd(w[i])).join('  ')}\n`);
}

main()
  .catch((e) => {
    process.stderr.write(`demo: ${e.message}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!process.env.SCM_DEMO_KEEP) {
      for (const c of cards) await c.card.remove().catch(() => undefined);
      for (const child of started) child.kill('SIGTERM');
    }
    rmSync(tmp, { recursive: true, force: true });
  });
