/**
 * APDU round trip through the real stack: PcscCardChannel (reader-host child, pcsclite) -> pcscd ->
 * vpcd -> the software PIV card (in this process, TCP_QUICKACK set) — against the same card driven
 * in-process, to show what PC/SC and vpcd add. `npm run bench apdu`.
 * Uses reader 0 of workstation $SCM_BENCH_WORKSTATION (default 0) of $SCM_STATE_DIR; BENCH_ROUNDS (default 2000).
 */
import 'reflect-metadata';
import { CommandApdu, createApduChannel, type ByteTransport } from '@scm/apdu';
import { PivCard, SoftPivBackend, startEmulatedCard } from '@scm/card-engine';
import { loadConfig, readWorkstations, stateSchema } from '@scm/config';
import { PcscCardChannel } from '@scm/pcsc';
import { DEFAULTS, OBJECT, PivSession, SoftwareManagementKey } from '@scm/piv';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);

interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

async function measure(n: number, fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(); // warm-up
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { n, p50: q(0.5), p99: q(0.99), mean: lat.reduce((a, b) => a + b, 0) / lat.length };
}

function print(rows: Array<[string, Stats, number]>): void {
  const head = ['operation', 'n', 'APDUs each', 'p50 ms', 'p99 ms', 'mean ms'];
  const body = rows.map(([name, s, apdus]) => [name, String(s.n), String(apdus), s.p50.toFixed(3), s.p99.toFixed(3), s.mean.toFixed(3)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  console.log(line(head));
  for (const r of body) console.log(line(r));
}

async function main(): Promise<void> {
  const { SCM_STATE_DIR } = loadConfig(stateSchema);
  const wsId = Number(process.env.SCM_BENCH_WORKSTATION ?? 0);
  const ws = readWorkstations(SCM_STATE_DIR).find((w) => w.id === wsId);
  if (!ws) throw new Error(`no workstation ${wsId} in ${SCM_STATE_DIR}`);
  process.env.PCSCLITE_CSOCK_NAME = ws.socket;

  const version = CommandApdu.of(0x00, 0xfd, 0x00, 0x00, undefined, 256).toBytes();
  const rows: Array<[string, Stats, number]> = [];

  // In-process baseline: the same card object, no PC/SC.
  const local = new PivCard(new SoftPivBackend({ serial: 1 }));
  local.powerOn();
  const direct: ByteTransport = { transmit: async (a) => local.transmit(a) };
  rows.push(['in-process: VERSION (00 FD)', await measure(ROUNDS, () => direct.transmit(version)), 1]);

  const card = await startEmulatedCard({ port: ws.vpcdPorts[0], backend: new SoftPivBackend({ serial: 2 }), retryMs: 200 });
  let ch: PcscCardChannel | undefined;
  try {
    const t0 = Date.now();
    for (;;) {
      try {
        ch = await PcscCardChannel.open('Virtual PCD 00 00');
        break;
      } catch (e) {
        if (Date.now() - t0 > 10_000) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const c = ch;
    rows.push(['pcscd+vpcd: VERSION (00 FD)', await measure(ROUNDS, () => c.transmit(version)), 1]);
    const verify = CommandApdu.of(0x00, 0x20, 0x00, 0x80).toBytes();
    rows.push(['pcscd+vpcd: VERIFY status (00 20 00 80)', await measure(ROUNDS, () => c.transmit(verify)), 1]);

    // A 2 KiB object read with short APDUs: GET DATA + 61xx / GET RESPONSE parts.
    const s = await PivSession.open(createApduChannel(c, { extendedLength: false }));
    await s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY));
    await s.putObject(OBJECT.PRINTED, new Uint8Array(2048).fill(0x41));
    await s.verifyPin(DEFAULTS.PIN);
    const before = card.connector.apduCount;
    await s.getObject(OBJECT.PRINTED);
    const perRead = card.connector.apduCount - before;
    rows.push([
      'pcscd+vpcd: GET DATA 2 KiB (short, 61xx)',
      await measure(Math.ceil(ROUNDS / 10), () => s.getObject(OBJECT.PRINTED)),
      perRead,
    ]);
    const se = await PivSession.open(createApduChannel(c, { extendedLength: true }));
    const b2 = card.connector.apduCount;
    await se.getObject(OBJECT.PRINTED);
    const perReadExt = card.connector.apduCount - b2;
    rows.push([
      'pcscd+vpcd: GET DATA 2 KiB (extended Le)',
      await measure(Math.ceil(ROUNDS / 10), () => se.getObject(OBJECT.PRINTED)),
      perReadExt,
    ]);
  } finally {
    await ch?.close();
    await card.remove();
  }
  print(rows);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
