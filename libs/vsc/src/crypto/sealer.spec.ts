import { randomBytes } from 'node:crypto';
import { VirtualSmartCard } from '../control/virtual-smart-card';
import { parseVscFile } from '../format/file.codec';
import { buildVector1 } from '../testing/test-vector';
import { TEST_KDF, testDeps } from '../testing/fixtures';
import { cardholderKeyContext, isSealInputOf, pinSlotContext, sealedLength, unwrapPinSlot } from './sealer';

/** What a remote host may ask of the KEK for a sealed VSC: a seal over sealed content, a PIN slot's wrapping key. */
describe('sealed content: what the seal covers', () => {
  let content: Buffer;

  beforeAll(async () => {
    ({ content } = await buildVector1());
  });

  it('the seal covers every byte before the seal TLV, which is 34 bytes long (AF 20 and the MAC)', () => {
    const { seal } = parseVscFile(content).content;
    expect(sealedLength(seal.input.length)).toBe(content.length);
    expect(content.length - seal.input.length).toBe(34);
    expect(isSealInputOf(content, seal.input)).toBe(true);
  });

  it('refuses a prefix of another length, changed bytes, or bytes the content does not start with', () => {
    const input = parseVscFile(content).content.seal.input;
    expect(isSealInputOf(content, input.subarray(0, input.length - 1))).toBe(false);
    expect(isSealInputOf(content, content)).toBe(false);
    const changed = Buffer.from(input);
    changed[changed.length - 1] ^= 0x01;
    expect(isSealInputOf(content, changed)).toBe(false);
    const other = Buffer.from(input);
    other[10] ^= 0x80;
    expect(isSealInputOf(content, other)).toBe(false);
  });

  it('refuses data of the right length when what follows it is not the seal', () => {
    // A VSC whose content ends with 34 bytes that are not an AF TLV of 32 bytes does not qualify.
    const fake = Buffer.concat([Buffer.alloc(100, 0x41), Buffer.alloc(34, 0xaf)]);
    expect(isSealInputOf(fake, fake.subarray(0, 100))).toBe(false);
    const looks = Buffer.concat([Buffer.alloc(100, 0x41), Buffer.of(0xaf, 0x20), Buffer.alloc(32)]);
    expect(isSealInputOf(looks, looks.subarray(0, 100))).toBe(true);
  });
});

describe('PIN slot derivation context', () => {
  it('is the PIN slot type (02) followed by the 16 bytes of the VSC id', () => {
    const id = '0f1e2d3c-4b5a-4978-8a7b-6c5d4e3f2a1b';
    expect(pinSlotContext(id).toString('hex')).toBe('020f1e2d3c4b5a49788a7b6c5d4e3f2a1b');
    expect(cardholderKeyContext('puk', id).toString('hex')).toBe('030f1e2d3c4b5a49788a7b6c5d4e3f2a1b');
    expect(pinSlotContext(id).equals(cardholderKeyContext('pin', id))).toBe(true);
  });

  it('is what the KEK derives the PIN slot’s wrapping key under: that key opens the slot, another context’s does not', async () => {
    const deps = testDeps();
    const vsc = await VirtualSmartCard.create({ kind: 'temporary', allowWeakKdf: true }, deps);
    const salt = randomBytes(16);
    const kdfOutput = randomBytes(32);
    await vsc.setPinFromKdfOutput(salt, kdfOutput, TEST_KDF);
    const c = parseVscFile(await vsc.seal()).content;
    vsc.close();
    const slot = c.slots.find((s) => s.type === 'pin')!;
    const kek = c.header.keys.kek;
    const right = await deps.protector.deriveCardholderKey(kek, kdfOutput, pinSlotContext(c.header.id));
    expect(unwrapPinSlot(slot, c.header, right)).toHaveLength(32);
    const puk = await deps.protector.deriveCardholderKey(kek, kdfOutput, cardholderKeyContext('puk', c.header.id));
    expect(unwrapPinSlot(slot, c.header, puk)).toBeUndefined();
    const otherVsc = await deps.protector.deriveCardholderKey(kek, kdfOutput, pinSlotContext('00000000-0000-4000-8000-000000000000'));
    expect(unwrapPinSlot(slot, c.header, otherVsc)).toBeUndefined();
  });
});
