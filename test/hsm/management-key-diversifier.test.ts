import { createCipheriv, randomBytes } from 'node:crypto';
import { ObjectClass } from 'graphene-pk11';
import { HsmContext, HsmErrorCode, keyLabel, type KeyRef } from '@scm/hsm';
import { ManagementKeyDiversifier, generateCardAesKey } from '@scm/card-secrets';
import { scratchLabel, testHsmSettings } from './support/settings';

/** The management-key diversifier on SoftHSM2, with a scratch master key. */
describe('ManagementKeyDiversifier on SoftHSM2', () => {
  let hsm: HsmContext;
  const master: KeyRef = { label: scratchLabel('mk-master'), version: 1 };
  const card = { serial: '40001234', guid: '3f1c0d7e-1b2a-4c5d-8e9f-0a1b2c3d4e5f' };

  /** Destroys the master behind the diversifier's back, as another process would. */
  const destroyMaster = (): Promise<void> =>
    hsm.withSession((s) => {
      const found = s.find({ class: ObjectClass.SECRET_KEY, label: keyLabel(master) });
      for (let i = 0; i < found.length; i++) found.items(i).destroy();
    });
  const createMaster = (): Promise<void> => hsm.withSession((s) => generateCardAesKey(s, master, 'aes-derive'));
  const ecb = (key: Buffer, block: Buffer): Buffer => {
    const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
    return Buffer.concat([c.update(block), c.final()]);
  };

  beforeAll(async () => {
    hsm = HsmContext.open(testHsmSettings());
    await createMaster();
  });
  afterAll(async () => {
    await destroyMaster();
    hsm.close();
  });

  it('computes with the key it exports for the card, over and over (the master kept between calls)', async () => {
    const d = new ManagementKeyDiversifier(hsm, master);
    const key = await d.exportForCard(card, 'aes192');
    expect(key).toHaveLength(24);
    for (let i = 0; i < 5; i++) {
      const challenge = randomBytes(16);
      expect((await d.encrypt(card, 'aes192', challenge)).equals(ecb(key, challenge))).toBe(true);
    }
    expect((await d.exportForCard({ ...card, serial: '40001235' }, 'aes192')).equals(key)).toBe(false);
  });

  it('drops a kept master that was destroyed: KeyNotFound, and a new master is found and used', async () => {
    const d = new ManagementKeyDiversifier(hsm, master);
    const before = await d.exportForCard(card, 'aes128');
    await destroyMaster();
    await expect(d.encrypt(card, 'aes128', randomBytes(16))).rejects.toMatchObject({ code: HsmErrorCode.KeyNotFound });
    await createMaster();
    const after = await d.exportForCard(card, 'aes128');
    expect(after.equals(before)).toBe(false);
    const challenge = randomBytes(16);
    expect((await d.encrypt(card, 'aes128', challenge)).equals(ecb(after, challenge))).toBe(true);
  });
});
