/**
 * The PIV agent through the real stack: PcscCardChannel (pcsclite in a reader-host child) -> pcscd ->
 * vpcd -> the software PIV card of libs/card-engine on this sandbox's workstation 0.
 */
import { verify, X509Certificate } from 'node:crypto';
import { testWorkstations } from '@scm/test-kit';
import { PcscError, PcscErrorCode, type PcscCardChannel } from '@scm/pcsc';
import type { EmulatedCard } from '@scm/card-engine';
import {
  ALGORITHM,
  DEFAULTS,
  defaultCardAgency,
  encodeCcc,
  InvalidPinError,
  PIN_POLICY,
  PivSession,
  SLOT,
  SoftwareManagementKey,
  uuidToGuid,
} from '@scm/piv';
import { certificateFor, cachedKey } from './piv-fixtures';
import { insertSoftCard, openChannel, settleRemoval } from './pcsc-harness';

jest.setTimeout(60_000);

const ws = testWorkstations()[0];
const atrOf = (ch: PcscCardChannel): Uint8Array => new Uint8Array(Buffer.from(ch.atr, 'hex'));

describe('PIV agent over pcscd + vpcd against the software card', () => {
  let cards: EmulatedCard[] = [];
  let channels: PcscCardChannel[] = [];

  afterEach(async () => {
    await Promise.all(channels.map((c) => c.close().catch(() => undefined)));
    await Promise.all(cards.map((c) => c.remove()));
    channels = [];
    cards = [];
    await settleRemoval(ws);
  });

  async function session(slot: 0 | 1, timeoutMs?: number): Promise<{ s: PivSession; ch: PcscCardChannel; card: EmulatedCard }> {
    const card = await insertSoftCard(ws, slot, { serial: 30000000 + slot });
    cards.push(card);
    const ch = await openChannel(ws, slot, { timeoutMs });
    channels.push(ch);
    return { s: await PivSession.open(ch, { atr: atrOf(ch) }), ch, card };
  }

  it('identifies the card through the agency (ATR from pcscd, then probing)', async () => {
    const card = await insertSoftCard(ws, 0, { serial: 4242 });
    cards.push(card);
    const ch = await openChannel(ws, 0);
    channels.push(ch);
    expect(ch.atr).toBe('3BFD1300008131FE158073C021C057597562694B657940');
    const hit = await defaultCardAgency().identify(ch, { atr: atrOf(ch) });
    expect(hit?.card).toMatchObject({ type: 'piv', serial: '4242' });
  });

  it('personalises a card (4 keys, 4 certificates, CHUID, CCC, PIN, PUK, management key) and reads it all back', async () => {
    const { s, ch } = await session(0);
    await s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY));
    const plan = [
      [SLOT.AUTHENTICATION, ALGORITHM.RSA2048],
      [SLOT.SIGNATURE, ALGORITHM.ECCP256],
      [SLOT.KEY_MANAGEMENT, ALGORITHM.RSA2048],
      [SLOT.CARD_AUTH, ALGORITHM.ECCP384],
    ] as const;
    const certs = new Map<number, Uint8Array>();
    for (const [slot, alg] of plan) {
      const pub = slot === SLOT.KEY_MANAGEMENT ? undefined : await s.generateKey(slot, alg, { pinPolicy: PIN_POLICY.ONCE });
      if (!pub) await s.importKey(slot, cachedKey('rsa2048'));
      const spki = pub?.spki ?? (await s.getMetadata(slot)).publicKey!.spki;
      const der = await certificateFor(spki, `CN=Card Holder ${slot.toString(16)}`);
      await s.writeCertificate(slot, der);
      certs.set(slot, der);
    }
    const guid = 'a1b2c3d4-e5f6-4789-8abc-def012345678';
    await s.writeChuid({ guid: uuidToGuid(guid) });
    await s.writeCcc(encodeCcc(new Uint8Array(14).fill(0x42)));
    const newKey = new Uint8Array(32).map((_, i) => 0xa0 + i);
    await s.setManagementKey(newKey, ALGORITHM.AES256);
    await s.changePin(DEFAULTS.PIN, '86420975');
    await s.changePuk(DEFAULTS.PUK, '11223344');

    // A new connection (the card keeps its state) reads everything back.
    await ch.reconnect(true);
    const r = await PivSession.open(ch, { atr: atrOf(ch) });
    expect((await r.identity()).guid).toBe(guid);
    expect((await r.readCcc())!.cardIdentifier.subarray(7)).toEqual(new Uint8Array(14).fill(0x42));
    for (const [slot, alg] of plan) {
      const c = await r.readCertificate(slot);
      expect(c!.der).toEqual(certs.get(slot));
      expect((await r.getMetadata(slot)).algorithm).toBe(alg);
    }
    expect(await r.pinStatus()).toEqual({ verified: false, retriesLeft: 3, blocked: false });
    await expect(r.verifyPin(DEFAULTS.PIN)).rejects.toEqual(new InvalidPinError(2));
    await r.verifyPin('86420975');
    const msg = new TextEncoder().encode('signed through pcscd');
    for (const [slot, alg] of plan) {
      const hash = alg === ALGORITHM.ECCP384 ? 'sha384' : 'sha256';
      const sig = await r.sign(slot, alg, msg, hash);
      expect(verify(hash, msg, new X509Certificate(certs.get(slot)!).publicKey, sig)).toBe(true);
    }
    await r.authenticate(new SoftwareManagementKey(newKey, ALGORITHM.AES256));
    expect((await r.getMetadata(0x9b)).algorithm).toBe(ALGORITHM.AES256);
  });

  it('serves two readers at once, each with its own card and session', async () => {
    const [a, b] = await Promise.all([session(0), session(1)]);
    const [ia, ib] = await Promise.all([a.s.identity(), b.s.identity()]);
    expect(ia.serial).toBe(30000000);
    expect(ib.serial).toBe(30000001);
    await Promise.all([a.s.verifyPin(DEFAULTS.PIN), b.s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY))]);
  });

  it('a card pulled out mid-session gives a typed PC/SC error (removal, or the deadline when vpcd stalls)', async () => {
    const { s, card } = await session(0, 3000);
    await s.identity();
    await card.remove();
    cards = [];
    await settleRemoval(ws);
    const e = await s.identity().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PcscError);
    expect([
      PcscErrorCode.CardRemoved,
      PcscErrorCode.NoCard,
      PcscErrorCode.NotConnected,
      PcscErrorCode.Unresponsive,
      PcscErrorCode.Timeout,
    ]).toContain((e as PcscError).code);
  });
});
