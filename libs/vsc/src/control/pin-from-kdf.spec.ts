import { randomBytes } from 'node:crypto';
import { parseVscFile } from '../format/file.codec';
import { kekMessage } from '../crypto/vsc-key-protector.port';
import { argon2idKdf } from '../crypto/pin-kdf';
import { unwrapPinSlot } from '../crypto/sealer';
import { testDeps, TEST_KDF, VECTOR_KEK } from '../testing/fixtures';
import { createHmac } from 'node:crypto';
import { toPadded } from './pin';
import { VirtualSmartCard } from './virtual-smart-card';
import { VscErrorCode } from '../vsc-errors';

/** The cardholder path added from a KDF output computed on another host (temporary cards, issue 8). */
describe('setPinFromKdfOutput', () => {
  const pin = '482913';

  async function escrowCopy(): Promise<{ bytes: Buffer; deps: ReturnType<typeof testDeps> }> {
    const deps = testDeps();
    const vsc = await VirtualSmartCard.create({ kind: 'temporary', allowWeakKdf: true }, deps);
    await vsc.generateKey(0x9c, 0x11);
    const bytes = await vsc.seal();
    vsc.close();
    return { bytes, deps };
  }

  it('opens with the PIN whose Argon2id output was given, and with no other', async () => {
    const { bytes, deps } = await escrowCopy();
    const officer = await VirtualSmartCard.load(bytes, deps);
    await officer.openWithRecovery();
    const salt = randomBytes(16);
    const stretched = await argon2idKdf(toPadded(pin), salt, TEST_KDF);
    await officer.setPinFromKdfOutput(salt, stretched, TEST_KDF);
    const v2 = await officer.seal();
    officer.close();
    expect(parseVscFile(v2).content.header.hierarchy.version).toBe(2);

    const holder = await VirtualSmartCard.load(v2, deps, { state: { ...officer.state, status: 'active' } });
    expect(holder.hasCardholderPath).toBe(true);
    await expect(holder.verifyPin('000000')).rejects.toMatchObject({ code: VscErrorCode.WrongPin });
    await holder.verifyPin(pin);
    expect(holder.sign(0x9c, Buffer.from('x')).length).toBeGreaterThan(8);
    // No verifier: a second VERIFY while open runs the whole path again and still tells right from wrong.
    expect(await holder.checkPin('111111')).toEqual({ ok: false, remaining: 2 });
    expect(await holder.checkPin(pin)).toEqual({ ok: true });
    holder.close();
  });

  it('lets the holder of the KEK tell a right wrapping key from a wrong one without the PIN', async () => {
    const { bytes, deps } = await escrowCopy();
    const officer = await VirtualSmartCard.load(bytes, deps);
    await officer.openWithRecovery();
    const salt = randomBytes(16);
    await officer.setPinFromKdfOutput(salt, await argon2idKdf(toPadded(pin), salt, TEST_KDF), TEST_KDF);
    const content = parseVscFile(await officer.seal()).content;
    officer.close();
    const slot = content.slots.find((s) => s.type === 'pin')!;
    const kw = (s: Buffer) =>
      createHmac('sha256', VECTOR_KEK)
        .update(kekMessage('cardholder', Buffer.concat([Buffer.of(0x02), Buffer.from(content.header.id.replace(/-/g, ''), 'hex')]), s))
        .digest();
    expect(unwrapPinSlot(slot, content.header, kw(await argon2idKdf(toPadded(pin), slot.salt!, TEST_KDF)))).toHaveLength(32);
    expect(unwrapPinSlot(slot, content.header, kw(await argon2idKdf(toPadded('482914'), slot.salt!, TEST_KDF)))).toBeUndefined();
  });

  it('refuses a KDF output made with other parameters than the VSC already names', async () => {
    const { bytes, deps } = await escrowCopy();
    const officer = await VirtualSmartCard.load(bytes, deps);
    await officer.openWithRecovery();
    const salt = randomBytes(16);
    await officer.setPinFromKdfOutput(salt, randomBytes(32), TEST_KDF);
    await expect(officer.setPinFromKdfOutput(salt, randomBytes(32), { ...TEST_KDF, iterations: 2 })).rejects.toMatchObject({
      code: VscErrorCode.InvalidObject,
    });
    await expect(officer.setPinFromKdfOutput(Buffer.alloc(8), randomBytes(32), TEST_KDF)).rejects.toThrow(/16-byte salt/);
    officer.close();
  });
});
