/**
 * The long-lived reader host a card worker keeps per reader (libs/pcsc ReaderHost): card sessions
 * one after another in one child process; a host that crashed is started again at the next session;
 * a card pulled out mid-session fails that session with a typed error and the host is stopped.
 * Real stack: pcscd + vpcd of this sandbox's workstation 0, software PIV cards.
 */
import { PcscCardChannel, PcscError, ReaderHost } from '@scm/pcsc';
import { PivSession } from '@scm/piv';
import type { EmulatedCard } from '@scm/card-engine';
import { testWorkstations } from '@scm/test-kit';
import { insertSoftCard, readerName, settleRemoval } from './pcsc-harness';

jest.setTimeout(60_000);

const ws = testWorkstations()[0];

/** Opens a session in `host`, waiting for pcscd to see the card (it polls vpcd about every 400 ms). */
async function openIn(host: ReaderHost): Promise<PcscCardChannel> {
  const t0 = Date.now();
  for (;;) {
    try {
      return await PcscCardChannel.open(readerName(0), { host, timeoutMs: 5000 });
    } catch (e) {
      if (!(e instanceof PcscError) || Date.now() - t0 > 8000) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function serialOf(ch: PcscCardChannel): Promise<number | undefined> {
  const s = await PivSession.open(ch, { atr: new Uint8Array(Buffer.from(ch.atr, 'hex')) });
  return (await s.identity()).serial;
}

describe('a long-lived reader host per reader', () => {
  let host: ReaderHost;
  let card: EmulatedCard | undefined;

  beforeAll(() => {
    process.env.PCSCLITE_CSOCK_NAME = ws.socket;
    host = new ReaderHost(readerName(0));
  });
  afterEach(async () => {
    await card?.remove();
    card = undefined;
    await settleRemoval(ws, [0]);
  });
  afterAll(async () => {
    await host.close();
  });

  it('runs card sessions one after another in one process, and the host outlives each session', async () => {
    card = await insertSoftCard(ws, 0, { serial: 31000001 });
    for (let i = 0; i < 3; i++) {
      const ch = await openIn(host);
      expect(await serialOf(ch)).toBe(31000001);
      await ch.close('reset');
      expect(ch.isOpen).toBe(false);
      expect(host.running).toBe(true);
    }
    expect(host.starts).toBe(1);
  });

  it('starts a crashed host again at the next session', async () => {
    card = await insertSoftCard(ws, 0, { serial: 31000002 });
    const first = await openIn(host);
    await first.close();
    const pid = host.pid!;
    const starts = host.starts;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && host.running; i++) await new Promise((r) => setTimeout(r, 20));
    expect(host.running).toBe(false);
    const ch = await openIn(host);
    expect(await serialOf(ch)).toBe(31000002);
    expect(host.starts).toBe(starts + 1);
    expect(host.pid).not.toBe(pid);
    await ch.close();
  });

  it('ends a session its owner left open when the next one connects (no sharing violation)', async () => {
    card = await insertSoftCard(ws, 0, { serial: 31000005 });
    await openIn(host); // never closed
    const ch = await openIn(host);
    expect(await serialOf(ch)).toBe(31000005);
    await ch.close();
  });

  it('fails a session whose card is pulled out with a typed error, and stops the host at close (pcscd drops its handle)', async () => {
    card = await insertSoftCard(ws, 0, { serial: 31000003 });
    const ch = await openIn(host);
    const s = await PivSession.open(ch, { atr: new Uint8Array(Buffer.from(ch.atr, 'hex')) });
    expect(host.running).toBe(true);
    await card.remove();
    card = undefined;
    await expect(s.identity()).rejects.toBeInstanceOf(PcscError);
    await ch.close('reset');
    expect(ch.isOpen).toBe(false);
    expect(host.running).toBe(false);
    // (Last: vpcd takes no new card for a while after a pull. A new card after a pull is covered
    // with the card worker in test/personalisation/faults.test.ts.)
  });
});
