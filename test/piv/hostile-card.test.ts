/**
 * Hostile cards: a test card in a real vpcd reader answers badly on purpose. The agent must end
 * every case with a typed error (APDU, PIV or PC/SC layer) in bounded time — the channel's deadline
 * fires for a card that never answers — without crashing, while a good card in the other reader of
 * the same pcscd keeps working.
 */
import { ApduError, ApduFormatError, TransportProtocolError } from '@scm/apdu';
import type { EmulatedCard } from '@scm/card-engine';
import { PcscError, PcscErrorCode, type PcscCardChannel } from '@scm/pcsc';
import { DEFAULTS, PivError, PivErrorCode, PivSession, SoftwareManagementKey } from '@scm/piv';
import { testWorkstations } from '@scm/test-kit';
import { VpcdConnector, type VirtualCard } from '@scm/vpcd';
import { insertSoftCard, openChannel, settleRemoval } from './pcsc-harness';

jest.setTimeout(120_000);

const ws = testWorkstations()[2];
const YUBIKEY_ATR = Uint8Array.from(Buffer.from('3BFD1300008131FE158073C021C057597562694B657940', 'hex'));
const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const SELECT_OK = h('61114F0600001000010079074F05A000000308 9000');

type Mode = 'truncated' | 'wrong-length-apt' | 'wrong-length-object' | 'endless-61xx' | 'junk-tlv' | 'silent' | 'oversized-6c';

/** A card that answers SELECT (mostly) and then misbehaves according to its mode. */
class HostileCard implements VirtualCard {
  apdus = 0;
  constructor(private readonly mode: Mode) {}
  atr(): Uint8Array {
    return YUBIKEY_ATR;
  }
  transmit(apdu: Uint8Array): Promise<Uint8Array> | Uint8Array {
    this.apdus++;
    const ins = apdu[1];
    switch (this.mode) {
      case 'truncated':
        return Uint8Array.of(0x90); // one status byte only
      case 'wrong-length-apt':
        return h('6120 4F0600001000010079074F05A000000308 9000'); // APT says 32 bytes, holds 17
      case 'wrong-length-object':
        if (ins === 0xa4) return SELECT_OK;
        if (ins === 0xcb) return h('538210004F06 9000'); // 53 claims 4096 bytes
        return h('6D00');
      case 'endless-61xx':
        if (ins === 0xa4) return SELECT_OK;
        return h('00112233445566778899AABBCCDDEEFF 6110'); // there is always more
      case 'junk-tlv':
        if (ins === 0xa4) return SELECT_OK;
        if (ins === 0xcb) return h('53 0A 34 FF 00 00 80 1F 05 00 FE 99 9000'); // CHUID with broken inner TLVs
        return h('6D00');
      case 'oversized-6c':
        if (ins === 0xa4) return SELECT_OK;
        return h('6C10'); // "use Le=16", then again
      case 'silent':
        if (ins === 0xa4) return SELECT_OK;
        return new Promise<Uint8Array>(() => undefined); // never answers
    }
  }
}

describe('hostile cards through pcscd + vpcd', () => {
  let hostile: VpcdConnector | undefined;
  let good: EmulatedCard | undefined;
  const channels: PcscCardChannel[] = [];

  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close().catch(() => undefined)));
    await hostile?.remove();
    await good?.remove();
    hostile = undefined;
    good = undefined;
    await settleRemoval(ws);
  });

  async function hostileSession(mode: Mode, timeoutMs = 4000): Promise<{ open: () => Promise<PivSession>; card: HostileCard }> {
    const card = new HostileCard(mode);
    hostile = new VpcdConnector(card, { port: ws.vpcdPorts[0], retryMs: 200 });
    await hostile.insert();
    const ch = await openChannel(ws, 0, { timeoutMs });
    channels.push(ch);
    return { open: () => PivSession.open(ch, { atr: YUBIKEY_ATR }), card };
  }

  const typed = (e: unknown): boolean => e instanceof ApduError || e instanceof PivError || e instanceof PcscError;

  it('a truncated response (1 byte) is an ApduFormatError', async () => {
    const { open } = await hostileSession('truncated');
    const e = await open().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApduFormatError);
    expect(String(e)).toContain('at least 2 bytes');
  });

  it('an application template with a wrong length is "not PIV"', async () => {
    const { open } = await hostileSession('wrong-length-apt');
    const e = await open().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PivError);
    expect((e as PivError).code).toBe(PivErrorCode.NotPiv);
    expect(String(e)).toMatch(/offset 0/);
  });

  it('an object whose length runs past the data is a BadObject naming the offset', async () => {
    const { open } = await hostileSession('wrong-length-object');
    const s = await open();
    const e = await s.readCertificate(0x9a).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PivError);
    expect((e as PivError).code).toBe(PivErrorCode.BadObject);
    expect(String(e)).toContain('at offset 0');
  });

  it('junk TLV inside an object is a BadObject; the agent still answers the next call', async () => {
    const { open } = await hostileSession('junk-tlv');
    const s = await open();
    const e = await s.readChuid().catch((x: unknown) => x);
    expect((e as PivError).code).toBe(PivErrorCode.BadObject);
    expect(await s.version()).toBeUndefined();
  });

  it('endless 61xx stops at the GET RESPONSE cap with a TransportProtocolError', async () => {
    const { open, card } = await hostileSession('endless-61xx');
    const s = await open();
    const e = await s.readChuid().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportProtocolError);
    expect(String(e)).toContain('kept answering 61xx');
    expect(card.apdus).toBeLessThanOrEqual(1 + 1 + 301);
  });

  it('6Cxx again after the resend is a TransportProtocolError', async () => {
    const { open } = await hostileSession('oversized-6c');
    const s = await open();
    await expect(s.readChuid()).rejects.toBeInstanceOf(TransportProtocolError);
  });

  it('a card that never answers: the deadline fires (typed timeout), no crash, and the other reader keeps working meanwhile', async () => {
    const { open } = await hostileSession('silent', 4000);
    const s = await open();
    const stuck = s.identity().catch((x: unknown) => x);

    good = await insertSoftCard(ws, 1, { serial: 5550001 });
    const ch = await openChannel(ws, 1);
    channels.push(ch);
    const g = await PivSession.open(ch, { atr: new Uint8Array(Buffer.from(ch.atr, 'hex')) });
    let settled = false;
    void stuck.then(() => (settled = true));
    // While the silent card's exchange is pending, the good card does a whole round of work.
    expect((await g.identity()).serial).toBe(5550001);
    await g.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY));
    await g.verifyPin(DEFAULTS.PIN);
    expect(settled).toBe(false);

    const e = await stuck;
    expect(typed(e)).toBe(true);
    expect(e).toBeInstanceOf(PcscError);
    expect((e as PcscError).code).toBe(PcscErrorCode.Timeout);
    // The good reader is still fine after the timeout.
    expect((await g.identity()).serial).toBe(5550001);
  });
});
