import { createDecipheriv } from 'node:crypto';
import { VscError, VscErrorCode } from '../vsc-errors';
import { concat } from '../format/bytes';
import { Tag } from '../format/content.codec';
import { AREA_TAGS, parseVscFile, type ParsedContent } from '../format/file.codec';
import { VSC_FORMAT_VERSION } from '../format/vsc-model';
import { TlvReader } from '../format/tlv';
import { argon2idKdf, type PinKdf } from '../crypto/pin-kdf';
import { areaKey, openRecoverySlot } from '../crypto/sealer';
import { TEST_KDF, testDeps, vectorProtector } from '../testing/fixtures';
import { VirtualSmartCard } from './virtual-smart-card';

const PIN = '123456';
const NEW_PIN = '654321';
const PUK = '12345678';

async function create(): Promise<VirtualSmartCard> {
  const vsc = await VirtualSmartCard.create({ serial: '00001079', pin: PIN, puk: PUK, kdf: TEST_KDF, allowWeakKdf: true }, testDeps());
  vsc.putData({ name: 'account number', area: 'private', value: Buffer.from('DE00 1234') });
  return vsc;
}

async function cekOf(content: Buffer): Promise<Buffer> {
  return openRecoverySlot(parseVscFile(content).content, vectorProtector());
}

async function loadActive(content: Buffer): Promise<VirtualSmartCard> {
  const vsc = await VirtualSmartCard.load(content, testDeps());
  await vsc.enable();
  return vsc;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VscError);
    return (e as VscError).code;
  }
  throw new Error('expected a failure');
}

/** The password area's plaintext record (E5) of a sealed version, opened with the recovery key. */
async function passwordRecordTags(content: ParsedContent): Promise<number[]> {
  const cek = await openRecoverySlot(content, vectorProtector());
  const a = content.areas.password;
  const d = createDecipheriv('aes-256-gcm', areaKey(cek, content.header.id, 'password'), a.nonce);
  d.setAAD(concat(content.headerBytes, Buffer.of(AREA_TAGS.password)));
  d.setAuthTag(a.ciphertext.subarray(a.ciphertext.length - 16));
  const plain = concat(d.update(a.ciphertext.subarray(0, a.ciphertext.length - 16)), d.final());
  const rec = new TlvReader(plain, 0, 'password area').expect(Tag.PASSWORD_RECORD, 'record');
  const r = TlvReader.of(rec, 'record');
  const tags: number[] = [];
  for (const t of [0x80, 0x81, 0x82]) if (r.optional(t)) tags.push(t);
  return tags;
}

describe('content key of a new version after a PIN reset', () => {
  it('a PUK unblock seals the next version under a fresh CEK; each PIN opens only its own version', async () => {
    const vsc = await create();
    const v1 = await vsc.seal();
    await vsc.enable();
    await vsc.unblockWithPuk(PUK, NEW_PIN);
    const v2 = await vsc.seal();
    expect(parseVscFile(v2).content.header.hierarchy.version).toBe(2);

    expect((await cekOf(v2)).equals(await cekOf(v1))).toBe(false);

    // The old PIN does not open the new version; the new PIN does not open the old one.
    expect(await codeOf((await loadActive(v2)).verifyPin(PIN))).toBe(VscErrorCode.WrongPin);
    expect(await codeOf((await loadActive(v1)).verifyPin(NEW_PIN))).toBe(VscErrorCode.WrongPin);

    // The new version opens with the new PIN and still has its PUK path under the new CEK.
    const current = await loadActive(v2);
    await current.verifyPin(NEW_PIN);
    expect(current.getObject('account number')).toBeDefined();
    const viaPuk = await loadActive(v2);
    await viaPuk.unblockWithPuk(PUK, '111111');
    expect(viaPuk.getObject('account number')).toBeDefined();

    // The old version stays readable: with its own PIN, and through the recovery path.
    const old = await loadActive(v1);
    await old.verifyPin(PIN);
    expect(old.getObject('account number')).toBeDefined();
    const recovered = await VirtualSmartCard.load(v1, testDeps());
    await recovered.openWithRecovery();
    const acct = recovered.getObject('account number');
    expect(acct?.kind === 'data' && Buffer.from(acct.value).toString()).toBe('DE00 1234');
    await VirtualSmartCard.check(v1, testDeps());
    await VirtualSmartCard.check(v2, testDeps());
  });

  it('an officer reset (recovery path, fresh CEK, new PIN) leaves the old PIN slot out of the new version', async () => {
    const v1 = await (await create()).seal();
    const officer = await VirtualSmartCard.load(v1, testDeps());
    await officer.openWithRecovery();
    await officer.renewContentKey();
    expect(officer.hasCardholderPath).toBe(false);
    expect(officer.hasPukPath).toBe(true);
    await officer.setPin(NEW_PIN);
    const v2 = await officer.seal();
    expect((await cekOf(v2)).equals(await cekOf(v1))).toBe(false);
    expect(await codeOf((await loadActive(v2)).verifyPin(PIN))).toBe(VscErrorCode.WrongPin);
    await (await loadActive(v2)).verifyPin(NEW_PIN);
    const old = await VirtualSmartCard.load(v1, testDeps());
    await old.openWithRecovery();
    expect(old.getObject('account number')).toBeDefined();
  });
});

describe('PIN verification without a fast verifier', () => {
  it('writes format version 2 and keeps nothing derived from the PIN in the password area', async () => {
    const v1 = await (await create()).seal();
    const parsed = parseVscFile(v1).content;
    expect(VSC_FORMAT_VERSION).toBe(2);
    expect(v1.readUInt16BE(8)).toBe(2);
    expect(parsed.formatVersion).toBe(2);
    // Only the card PUK (81) is left; no PIN verifier (80).
    expect(await passwordRecordTags(parsed)).toEqual([0x81]);
  });

  it('runs the full cardholder path (KDF and KEK) on every VERIFY, also while open', async () => {
    let runs = 0;
    const kdf: PinKdf = (s, salt, p) => {
      runs += 1;
      return argon2idKdf(s, salt, p);
    };
    const v1 = await (await create()).seal();
    const vsc = await VirtualSmartCard.load(v1, testDeps(undefined, { kdf }));
    await vsc.enable();
    await vsc.verifyPin(PIN);
    await vsc.verifyPin(PIN);
    expect(runs).toBe(2);
    // A wrong PIN while open is a typed, counted refusal, not a silent success.
    const e = await vsc.verifyPin('000000').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VscError);
    expect((e as VscError).code).toBe(VscErrorCode.WrongPin);
    expect((e as VscError).meta.remaining).toBe(2);
    expect(runs).toBe(3);
    await vsc.verifyPin(PIN);
    expect(vsc.state.pin.remaining).toBe(3);
  });
});
