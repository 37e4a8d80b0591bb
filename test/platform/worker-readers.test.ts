import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { VpcdConnector, type VirtualCard } from '@scm/vpcd';
import { startApi, testEnv, testWorkstations, type RunningApi } from '@scm/test-kit';

const ROOT = join(__dirname, '..', '..');
const ATR = Uint8Array.from(Buffer.from('3B8880010000000000000000000000', 'hex').subarray(0, 10));

/** A card that only has an ATR: enough for presence. */
const bareCard: VirtualCard = { atr: () => ATR, transmit: () => Uint8Array.of(0x6d, 0x00) };

type Ws = { id: number; readers: Array<{ name: string; cardPresent: boolean; atr: string | null }> };

describe('card worker follows cards coming and going (real pcscd + vpcd)', () => {
  let api: RunningApi;
  let worker: ChildProcess;
  const ws = testWorkstations()[2];
  let log = '';

  beforeAll(async () => {
    api = await startApi();
    worker = spawn(process.execPath, [join(ROOT, 'dist/apps/card-worker/src/main.js')], {
      env: { ...process.env, ...testEnv, SCM_API_URL: api.url, SCM_WORKSTATION: String(ws.id), SCM_HEARTBEAT_MS: '1000', PCSCLITE_CSOCK_NAME: ws.socket, SCM_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    worker.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  });
  afterAll(async () => {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await api.close();
  });

  const reader0 = async (): Promise<Ws['readers'][number] | undefined> => {
    const list = (await (await fetch(`${api.url}/api/v1/workstations`)).json()) as Ws[];
    return list.find((w) => w.id === ws.id)?.readers.find((r) => r.name === 'Virtual PCD 00 00');
  };

  it('reports an empty reader, then the inserted card with its ATR, then the removal', async () => {
    await until(async () => (await reader0())?.cardPresent === false, 'empty reader reported');
    const card = new VpcdConnector(bareCard, { port: ws.vpcdPorts[0] });
    await card.insert();
    try {
      await until(async () => (await reader0())?.atr === Buffer.from(ATR).toString('hex').toUpperCase(), 'inserted card reported');
      expect(log).toMatch(/"msg":"card inserted"/);
    } finally {
      await card.remove();
    }
    await until(async () => (await reader0())?.cardPresent === false, 'removal reported');
    expect(log).toMatch(/"msg":"card removed"/);
  });
});

async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 15000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out: ${what}`);
}
