/**
 * A full personalisation — 4 keys, 4 certificates, CHUID, CCC — by the PIV agent and by
 * yubico-piv-tool 2.2.0, each on a blank software PIV card in the same vpcd reader through pcscd:
 * APDUs the card received and wall time. Keys and certificates are made beforehand (not timed).
 * `npm run bench personalise`; reader 0 of workstation $SCM_BENCH_WORKSTATION (default 0); BENCH_ROUNDS (default 3).
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { createApduChannel } from '@scm/apdu';
import { SoftPivBackend, startEmulatedCard, type EmulatedCard } from '@scm/card-engine';
import { loadConfig, readWorkstations, stateSchema, type Workstation } from '@scm/config';
import { PcscCardChannel } from '@scm/pcsc';
import { DEFAULTS, encodeCcc, PivSession, SLOT, SoftwareManagementKey } from '@scm/piv';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const READER = 'Virtual PCD 00 00';
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

interface Material {
  slot: number;
  key: KeyObject;
  certDer: Uint8Array;
}

async function material(): Promise<Material[]> {
  const ca = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const plan: Array<[number, () => KeyObject]> = [
    [SLOT.AUTHENTICATION, () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    [SLOT.SIGNATURE, () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey],
    [SLOT.KEY_MANAGEMENT, () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    [SLOT.CARD_AUTH, () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey],
  ];
  const out: Material[] = [];
  for (const [slot, make] of plan) {
    const key = make();
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=Bench ${slot.toString(16)}`,
      issuer: 'CN=Bench CA',
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 365 * 86400_000),
      publicKey: new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' })),
      signingKey: ca.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
    });
    out.push({ slot, key, certDer: new Uint8Array(cert.rawData) });
  }
  return out;
}

async function blankCard(ws: Workstation): Promise<EmulatedCard> {
  const card = await startEmulatedCard({ port: ws.vpcdPorts[0], backend: new SoftPivBackend({ serial: 4711 }), retryMs: 200 });
  // Wait until pcscd has the card (not timed), and leave it unconnected.
  const t0 = Date.now();
  for (;;) {
    try {
      await (await PcscCardChannel.open(READER)).close();
      break;
    } catch (e) {
      if (Date.now() - t0 > 10_000) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return card;
}

async function withCard(ws: Workstation, fn: () => Promise<void>): Promise<{ apdus: number; ms: number }> {
  const card = await blankCard(ws);
  try {
    const before = card.connector.apduCount;
    const t = process.hrtime.bigint();
    await fn();
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    return { apdus: card.connector.apduCount - before, ms };
  } finally {
    await card.remove();
    await new Promise((r) => setTimeout(r, 1000)); // let pcscd see the reader empty
  }
}

async function byAgent(m: Material[], extended: boolean): Promise<void> {
  const ch = await PcscCardChannel.open(READER);
  try {
    const s = await PivSession.open(createApduChannel(ch, { extendedLength: extended, maxExtendedNc: 3062 }));
    await s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY));
    for (const x of m) {
      await s.importKey(x.slot, x.key);
      await s.writeCertificate(x.slot, x.certDer);
    }
    await s.writeChuid({ guid: webcrypto.getRandomValues(new Uint8Array(16)) });
    await s.writeCcc(encodeCcc(webcrypto.getRandomValues(new Uint8Array(14))));
  } finally {
    await ch.close();
  }
}

async function byYubicoPivTool(m: Material[], dir: string, socket: string): Promise<void> {
  const tool = (...args: string[]): Promise<unknown> =>
    run('yubico-piv-tool', ['-r', READER, ...args], { env: { ...process.env, PCSCLITE_CSOCK_NAME: socket } });
  for (const x of m) {
    const s = x.slot.toString(16);
    await tool('-a', 'import-key', '-s', s, '-i', join(dir, `${s}.key`));
    await tool('-a', 'import-certificate', '-s', s, '-i', join(dir, `${s}.crt`));
  }
  await tool('-a', 'set-chuid', '-a', 'set-ccc');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const { SCM_STATE_DIR } = loadConfig(stateSchema);
  const wsId = Number(process.env.SCM_BENCH_WORKSTATION ?? 0);
  const ws = readWorkstations(SCM_STATE_DIR).find((w) => w.id === wsId);
  if (!ws) throw new Error(`no workstation ${wsId} in ${SCM_STATE_DIR}`);
  process.env.PCSCLITE_CSOCK_NAME = ws.socket;

  const m = await material();
  const dir = mkdtempSync(join(tmpdir(), 'scm-bench-'));
  for (const x of m) {
    const s = x.slot.toString(16);
    writeFileSync(join(dir, `${s}.key`), x.key.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, `${s}.crt`), new x509.X509Certificate(x.certDer).toString('pem'));
  }
  const variants: Array<[string, () => Promise<void>]> = [
    ['PIV agent, extended length', () => byAgent(m, true)],
    ['PIV agent, short APDUs + chaining', () => byAgent(m, false)],
    ['yubico-piv-tool 2.2.0 (9 runs)', () => byYubicoPivTool(m, dir, ws.socket)],
  ];
  const rows: string[][] = [];
  try {
    for (const [name, fn] of variants) {
      const res: Array<{ apdus: number; ms: number }> = [];
      for (let i = 0; i < ROUNDS; i++) res.push(await withCard(ws, fn));
      rows.push([
        name,
        String(median(res.map((r) => r.apdus))),
        median(res.map((r) => r.ms)).toFixed(0),
        Math.min(...res.map((r) => r.ms)).toFixed(0),
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const head = ['personalisation (4 keys, 4 certs, CHUID, CCC)', 'APDUs', 'median ms', 'best ms'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  console.log(`${ROUNDS} round(s) each, blank card each time`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
