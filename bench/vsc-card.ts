/**
 * What a VSC costs on this machine, with the real HSM (the SoftHSM2 token of SCM_STATE_DIR /
 * SCM_PKCS11_*; its VSC keys must exist: `scm vsc init-keys`). `npm run bench vsc`.
 *
 *   open, cardholder path   load (structure, seal, state) + VERIFY: Argon2id 64 MiB t=3, HMAC in the HSM, unwrap, decrypt areas
 *   open, recovery path     load + AES-GCM unwrap in the HSM + decrypt areas
 *   seal / unseal           VSCs holding 4 KiB, 64 KiB and 1 MiB of objects: sealing a new version, and load + open
 *   signature, served VSC   RSA-2048 (9A) and P-256 (9C, VERIFY before each) through PivSession → PIV card engine →
 *                           VscCardBackend, in-process, and through pcscd + vpcd when workstation
 *                           $SCM_BENCH_WORKSTATION (default 0) has reader 1 free
 */
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PivCard } from '@scm/card-engine';
import { hsmSchema, loadConfig, readWorkstations, stateSchema } from '@scm/config';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import { PcscCardChannel } from '@scm/pcsc';
import { ALGORITHM, PivSession } from '@scm/piv';
import {
  HsmKeyProtector,
  KeyAlgorithm,
  VirtualSmartCard,
  VscCardBackend,
  VscFile,
  selfSignedCertificate,
  serveVsc,
  type VscDeps,
} from '@scm/vsc';

const PIN = 'Bench-42';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

type Row = [string, string, string, string];
const rows: Row[] = [];

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<{ median: number; perSec: number }> {
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    await fn(i);
    lat.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((a, b) => a - b);
  return { median: lat[Math.floor(lat.length / 2)], perSec: n / secs };
}

function row(name: string, r: { median: number; perSec: number }, extra = ''): void {
  rows.push([name, `${r.median.toFixed(1)} ms`, `${r.perSec.toFixed(1)}/s`, extra]);
}

async function cardVsc(deps: VscDeps): Promise<Buffer> {
  const vsc = await VirtualSmartCard.create({ serial: '00000001', pin: PIN }, deps);
  await vsc.generateKey(0x9a, KeyAlgorithm.RSA2048);
  vsc.putCertificate(await selfSignedCertificate(vsc, 0x9a, 'bench'), { slot: 0x9a });
  await vsc.generateKey(0x9c, KeyAlgorithm.P256);
  vsc.putCertificate(await selfSignedCertificate(vsc, 0x9c, 'bench sign'), { slot: 0x9c });
  return vsc.toStandaloneFile();
}

async function signatures(where: string, s: PivSession): Promise<void> {
  const data = Buffer.from('bench');
  await s.verifyPin(PIN);
  row(`signature RSA-2048 9A, ${where}`, await time(ROUNDS * 5, () => s.sign(0x9a, ALGORITHM.RSA2048, data)));
  row(
    `VERIFY + signature P-256 9C, ${where}`,
    await time(ROUNDS * 5, async () => {
      await s.verifyPin(PIN);
      await s.sign(0x9c, ALGORITHM.ECCP256, data);
    }),
  );
}

async function overPcsc(file: string, deps: VscDeps): Promise<void> {
  const ws = readWorkstations(loadConfig(stateSchema).SCM_STATE_DIR).find((w) => w.id === Number(process.env.SCM_BENCH_WORKSTATION ?? 0));
  if (!ws) throw new Error('no such workstation');
  process.env.PCSCLITE_CSOCK_NAME = ws.socket;
  const vf = await VscFile.open(file, deps);
  const served = await serveVsc(vf, { port: ws.vpcdPorts[1] });
  try {
    let channel: PcscCardChannel | undefined;
    for (let i = 0; i < 50 && !channel; i++) {
      channel = await PcscCardChannel.open('Virtual PCD 00 01').catch(async () => {
        await new Promise((r) => setTimeout(r, 200));
        return undefined;
      });
    }
    if (!channel) throw new Error('pcscd did not see the served VSC');
    try {
      const s = await PivSession.open(channel, { atr: Buffer.from(channel.atr, 'hex') });
      await signatures(`pcscd+vpcd (workstation ${ws.id})`, s);
    } finally {
      await channel.close();
    }
  } finally {
    await served.remove();
  }
}

async function main(): Promise<void> {
  const cfg = loadConfig({ ...stateSchema, ...hsmSchema });
  const hsm = HsmContext.open(hsmSettingsFrom(cfg));
  const dir = await mkdtemp(join(tmpdir(), 'scm-bench-vsc-'));
  try {
    const deps: VscDeps = { protector: new HsmKeyProtector(hsm) };
    try {
      await deps.protector.currentKeys();
    } catch (e) {
      throw new Error(`${(e as Error).message} (run: scm vsc init-keys)`);
    }
    const file = await cardVsc(deps);

    row(
      'open, cardholder path (64 MiB)',
      await time(ROUNDS, async () => {
        const v = await VirtualSmartCard.load(file, deps);
        await v.verifyPin(PIN);
        v.close();
      }),
      `${file.length} B file`,
    );
    row(
      'open, recovery path',
      await time(ROUNDS * 5, async () => {
        const v = await VirtualSmartCard.load(file, deps);
        await v.openWithRecovery();
        v.close();
      }),
    );

    for (const kib of [4, 64, 1024]) {
      const v = await VirtualSmartCard.create({ kind: 'escrow' }, deps);
      for (let i = 0; i < kib / 4; i++)
        v.putData({ name: `object ${i}`, area: i % 2 ? 'private' : 'public', value: Buffer.alloc(4096, i) });
      let bytes = await v.seal();
      const n = kib >= 1024 ? ROUNDS : ROUNDS * 5;
      const seal = await time(n, async (i) => {
        v.putData({ name: 'object 0', area: 'public', value: Buffer.alloc(4096, i) });
        bytes = await v.seal();
      });
      row(`seal, ${kib} KiB of objects`, seal, `${((bytes.length * seal.perSec) / 1048576).toFixed(1)} MiB/s`);
      const unseal = await time(n, async () => {
        const u = await VirtualSmartCard.load(bytes, deps);
        await u.openWithRecovery();
        u.close();
      });
      row(`load + open, ${kib} KiB of objects`, unseal, `${((bytes.length * unseal.perSec) / 1048576).toFixed(1)} MiB/s`);
    }

    const v = await VirtualSmartCard.load(file, deps);
    const card = new PivCard(new VscCardBackend(v, async () => undefined));
    card.powerOn();
    await signatures('in-process', await PivSession.open({ transmit: (a: Uint8Array) => card.transmit(a) }, { atr: card.atr() }));

    const path = join(dir, 'bench.vsc');
    await writeFile(path, file, { mode: 0o600 });
    try {
      await overPcsc(path, deps);
    } catch (e) {
      rows.push(['signature through pcscd+vpcd', '-', '-', `skipped: ${(e as Error).message}`]);
    }
  } finally {
    hsm.close();
    await rm(dir, { recursive: true, force: true });
  }

  const head: Row = ['VSC operation', 'median', 'rate', 'notes'];
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => r[i].length)));
  for (const r of [head, ...rows])
    console.log(r.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench vsc: ${(e as Error).message}`);
    process.exit(1);
  },
);
