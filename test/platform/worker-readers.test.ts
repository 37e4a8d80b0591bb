import { VpcdConnector, type VirtualCard } from '@scm/vpcd';
import {
  call,
  createTestUser,
  loginAs,
  startApi,
  startApprovedWorker,
  testWorkstations,
  uniqueName,
  type RunningApi,
  type RunningWorker,
} from '@scm/test-kit';

const ATR = Uint8Array.from(Buffer.from('3B8880010000000000000000', 'hex').subarray(0, 10));

/** A card that only has an ATR: enough for presence. */
const bareCard: VirtualCard = { atr: () => ATR, transmit: () => Uint8Array.of(0x6d, 0x00) };

type Ws = { id: number; readers: Array<{ name: string; cardPresent: boolean; atr: string | null }> };

describe('card worker follows cards coming and going (real pcscd + vpcd)', () => {
  let api: RunningApi;
  let worker: RunningWorker;
  let officer: string;
  const ws = testWorkstations()[2];

  beforeAll(async () => {
    api = await startApi();
    const u = uniqueName('officer');
    await createTestUser(u, ['security-officer']);
    officer = await loginAs(api.url, u);
    worker = await startApprovedWorker(api, officer, ws);
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  const reader0 = async (): Promise<Ws['readers'][number] | undefined> => {
    const list = (await call<Ws[]>(api.url, 'GET', '/api/v1/workstations', officer)).body;
    return list.find((w) => w.id === ws.id)?.readers.find((r) => r.name === 'Virtual PCD 00 00');
  };

  it('reports an empty reader, then the inserted card with its ATR, then the removal', async () => {
    await until(async () => (await reader0())?.cardPresent === false, 'empty reader reported');
    const card = new VpcdConnector(bareCard, { port: ws.vpcdPorts[0] });
    await card.insert();
    try {
      await until(async () => (await reader0())?.atr === Buffer.from(ATR).toString('hex').toUpperCase(), 'inserted card reported');
      expect(worker.log()).toMatch(/"msg":"card inserted"/);
    } finally {
      await card.remove();
    }
    await until(async () => (await reader0())?.cardPresent === false, 'removal reported');
    expect(worker.log()).toMatch(/"msg":"card removed"/);
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
