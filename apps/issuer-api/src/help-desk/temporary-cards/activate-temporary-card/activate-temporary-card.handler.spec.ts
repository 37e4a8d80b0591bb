import { randomBytes } from 'node:crypto';
import { parseVscFile, pinSlotContext, unwrapPinSlot } from '@scm/vsc';
import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { ActivateTemporaryCardCommand } from './activate-temporary-card.command';
import { ActivateTemporaryCardHandler } from './activate-temporary-card.handler';

function setup() {
  const w = new HelpdeskWorld();
  const handler = new ActivateTemporaryCardHandler(w.uow, w.escrow, w.temporaryViews, w.temporary, w.temporaryRecords, w.vscs);
  const activate = (id: string, kdfOutput: Buffer, salt = randomBytes(16)) =>
    handler.execute(new ActivateTemporaryCardCommand(id, salt, kdfOutput, 'passport checked', testActor()));
  return { w, activate };
}

/** Whether the PIN slot of the current version opens with the key the HSM derives from this Argon2id output. */
async function opensWith(w: HelpdeskWorld, id: string, kdfOutput: Buffer): Promise<boolean> {
  const content = parseVscFile((await w.vscs.version(id, undefined))!.content).content;
  const slot = content.slots.find((s) => s.type === 'pin');
  if (!slot) return false;
  const kw = await w.protector.deriveCardholderKey(content.header.keys.kek, kdfOutput, pinSlotContext(id));
  return unwrapPinSlot(slot, content.header, kw) !== undefined;
}

describe('ActivateTemporaryCardHandler', () => {
  it('puts the cardholder path on a new escrowed version and makes the card active; the KDF output is wiped', async () => {
    const { w, activate } = setup();
    const t = await w.temporaryCard();
    const kdf = randomBytes(32);
    const keep = Buffer.from(kdf);
    const view = await activate(t.id, kdf);
    expect(kdf.equals(Buffer.alloc(32))).toBe(true);
    expect(await opensWith(w, t.id, keep)).toBe(true);
    expect(await opensWith(w, t.id, randomBytes(32))).toBe(false);
    expect(w.vscs.vscs.get(t.id)).toMatchObject({ currentVersion: 2, state: { status: 'active', pin: { remaining: 3, total: 3 } } });
    expect(w.vscs.stored.find((v) => v.vscId === t.id && v.version === 2)?.escrowedAt).toEqual(w.now);
    expect(w.temporary.rows.get(t.id)).toMatchObject({
      state: 'active',
      activatedAt: w.now,
      activatedBy: testActor().actor,
      pinRemaining: 3,
    });
    expect(view).toMatchObject({ id: t.id, state: 'active', version: 2, cardholder: 'Ada Example', pin: { remaining: 3, tries: 3 } });
    expect(w.uow.events.map((e) => e.action)).toEqual(['vsc.version-sealed', 'vsc.escrowed', 'temporary-card.activated']);
    expect(w.uow.events.at(-1)?.details).toEqual({
      cardholder: 'Ada Example',
      cardholderId: t.cardholderId,
      expiresAt: t.expiresAt.toISOString(),
      cardId: t.cardId,
      hostWorkerId: t.hostWorkerId,
      identityCheck: 'passport checked',
      version: 2,
    });
  });

  it('activated again, replaces a forgotten or blocked PIN and gives every try back (a PIN reset)', async () => {
    const { w, activate } = setup();
    const old = randomBytes(32);
    const t = await w.temporaryCard({ kdfOutput: old, pinRemaining: 0 });
    const fresh = randomBytes(32);
    await activate(t.id, Buffer.from(fresh));
    expect(await opensWith(w, t.id, fresh)).toBe(true);
    expect(await opensWith(w, t.id, old)).toBe(false);
    expect(w.temporary.rows.get(t.id)?.pinRemaining).toBe(3);
    expect(w.uow.events.at(-1)).toMatchObject({ action: 'temporary-card.pin-reset', outcome: 'success' });
  });

  it.each([
    ['revoked', { state: 'revoked' as const }, E.WrongState],
    ['expired', { state: 'expired' as const }, E.WrongState],
    ['past its expiry', { expiresAt: new Date('2026-12-01T08:59:59Z') }, E.Expired],
  ])('refuses a card that is %s, audited, and changes nothing', async (_what, opts, code) => {
    const { w, activate } = setup();
    const t = await w.temporaryCard(opts);
    await expect(activate(t.id, randomBytes(32))).rejects.toMatchObject({ code });
    expect(w.uow.events).toEqual([
      expect.objectContaining({ action: 'temporary-card.activated', targetId: t.id, outcome: 'denied', details: { refusal: code } }),
    ]);
    expect(w.vscs.vscs.get(t.id)?.currentVersion).toBe(1);
  });

  it('refuses an unknown card and a malformed salt or KDF output', async () => {
    const { w, activate } = setup();
    await expect(activate('00000000-0000-4000-8000-000000000404', randomBytes(32))).rejects.toMatchObject({ code: E.NotFound });
    const t = await w.temporaryCard();
    await expect(activate(t.id, randomBytes(31))).rejects.toMatchObject({ code: E.Invalid });
    await expect(activate(t.id, randomBytes(32), randomBytes(8))).rejects.toMatchObject({ code: E.Invalid });
    expect(w.uow.events.map((e) => [e.outcome, e.details?.refusal])).toEqual([
      ['denied', E.NotFound],
      ['denied', E.Invalid],
      ['denied', E.Invalid],
    ]);
  });
});
