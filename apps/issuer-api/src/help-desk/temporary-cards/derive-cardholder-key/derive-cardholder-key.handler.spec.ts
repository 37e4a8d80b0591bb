import { randomBytes } from 'node:crypto';
import { parseVscFile, pinSlotContext, unwrapPinSlot } from '@scm/vsc';
import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import type { TemporaryCard } from '../temporary-card.repository';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { DeriveCardholderKeyCommand } from './derive-cardholder-key.command';
import { DeriveCardholderKeyHandler } from './derive-cardholder-key.handler';

const PIN = randomBytes(32);

async function setup(opts: Parameters<HelpdeskWorld['temporaryCard']>[0] = { kdfOutput: PIN }) {
  const w = new HelpdeskWorld();
  const t = await w.temporaryCard(opts);
  const handler = new DeriveCardholderKeyHandler(w.uow, w.escrow, w.temporary, w.vscs);
  const verify = (kdfOutput: Buffer, o: { host?: string; context?: Buffer; card?: TemporaryCard } = {}) => {
    const card = o.card ?? t;
    const host = o.host ?? card.hostWorkerId;
    return handler.execute(
      new DeriveCardholderKeyCommand(
        card.id,
        { id: host },
        o.context ?? pinSlotContext(card.id),
        Buffer.from(kdfOutput),
        testActor(host, 'card-worker'),
      ),
    );
  };
  return { w, t, verify };
}

describe('DeriveCardholderKeyHandler', () => {
  it('gives the right PIN the key that opens the PIN slot, and every try back', async () => {
    const { w, t, verify } = await setup({ kdfOutput: PIN, pinRemaining: 1 });
    const r = await verify(PIN);
    expect(r).toMatchObject({ ok: true, remaining: 3 });
    const content = parseVscFile((await w.vscs.version(t.id, undefined))!.content).content;
    expect(
      unwrapPinSlot(
        content.slots.find((s) => s.type === 'pin')!,
        content.header,
        Buffer.from(r.key, 'base64'),
      ),
    ).toHaveLength(32);
    expect(w.temporary.rows.get(t.id)?.pinRemaining).toBe(3);
    expect(w.vscs.vscs.get(t.id)?.state.pin).toEqual({ remaining: 3, total: 3 });
    expect(w.uow.events).toEqual([]);
  });

  it('counts a wrong PIN before answering, audits it, and refuses once the PIN is blocked', async () => {
    const { w, t, verify } = await setup();
    const wrong = randomBytes(32);
    expect(await verify(wrong)).toMatchObject({ ok: false, remaining: 2 });
    expect(await verify(wrong)).toMatchObject({ ok: false, remaining: 1 });
    expect(await verify(wrong)).toMatchObject({ ok: false, remaining: 0 });
    expect(w.temporary.rows.get(t.id)?.pinRemaining).toBe(0);
    expect(w.vscs.vscs.get(t.id)?.state.pin).toEqual({ remaining: 0, total: 3 });
    expect(w.uow.events.map((e) => [e.action, e.outcome, e.details?.remaining, e.details?.blocked])).toEqual([
      ['temporary-card.pin-failed', 'failure', 2, false],
      ['temporary-card.pin-failed', 'failure', 1, false],
      ['temporary-card.pin-failed', 'failure', 0, true],
    ]);
    // Blocked: even the right PIN is refused until the card is activated again.
    await expect(verify(PIN)).rejects.toMatchObject({ code: E.PinBlocked });
    expect(w.uow.events.at(-1)).toMatchObject({
      action: 'temporary-card.pin-verify',
      outcome: 'denied',
      details: { refusal: E.PinBlocked },
    });
  });

  it('derives for this card’s PIN slot only: not the PUK slot, not another card’s', async () => {
    const { w, t, verify } = await setup();
    const puk = Buffer.from(pinSlotContext(t.id));
    puk[0] = 0x03;
    await expect(verify(PIN, { context: puk })).rejects.toMatchObject({ code: E.Invalid });
    await expect(verify(PIN, { context: pinSlotContext('00000000-0000-4000-8000-000000000001') })).rejects.toMatchObject({
      code: E.Invalid,
    });
    await expect(verify(PIN.subarray(0, 16))).rejects.toMatchObject({ code: E.Invalid });
    expect(w.temporary.rows.get(t.id)?.pinRemaining).toBe(3);
  });

  it('is refused to another host, after expiry, after revocation, and before the PIN is set', async () => {
    const { w, t, verify } = await setup();
    await expect(verify(PIN, { host: w.host() })).rejects.toMatchObject({ code: E.NotHost });
    w.uow.testClock.advance(8 * 86_400_000);
    await expect(verify(PIN)).rejects.toMatchObject({ code: E.Expired });
    await w.temporary.update(undefined as never, t.id, { state: 'revoked', expiresAt: new Date('2027-01-01T00:00:00Z') });
    await expect(verify(PIN)).rejects.toMatchObject({ code: E.WrongState });
    const noPin = await w.temporaryCard({ state: 'active' });
    await expect(verify(PIN, { card: noPin })).rejects.toMatchObject({
      code: E.WrongState,
      message: `temporary card ${noPin.id} has no PIN yet`,
    });
    expect(w.uow.events.map((e) => e.details?.refusal)).toEqual([E.NotHost, E.Expired, E.WrongState, E.WrongState]);
    expect(w.temporary.rows.get(t.id)?.pinRemaining).toBe(3);
  });

  it('wipes the KDF output it was given', async () => {
    const { t, w } = await setup();
    const handler = new DeriveCardholderKeyHandler(w.uow, w.escrow, w.temporary, w.vscs);
    const kdf = Buffer.from(PIN);
    await handler.execute(new DeriveCardholderKeyCommand(t.id, { id: t.hostWorkerId }, pinSlotContext(t.id), kdf, testActor()));
    expect(kdf.equals(Buffer.alloc(32))).toBe(true);
  });
});
