import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { HsmError, HsmErrorCode } from '@scm/hsm';
import { VscError, VscErrorCode } from '../vsc-errors';
import { MemoryKeyProtector } from '../crypto/memory-key-protector';
import type { VscKeyProtector } from '../crypto/vsc-key-protector.port';
import { KeyAlgorithm, type VscState } from '../format/vsc-model';
import { parseVscFile } from '../format/file.codec';
import { TEST_KDF, testDeps, vectorProtector } from '../testing/fixtures';
import { selfSignedCertificate } from './certificates';
import { VirtualSmartCard, type StateSink } from './virtual-smart-card';

const PIN = '123456';
const create = (extra: Parameters<typeof VirtualSmartCard.create>[0] = {}, sink?: StateSink) =>
  VirtualSmartCard.create({ serial: '00001079', pin: PIN, kdf: TEST_KDF, allowWeakKdf: true, ...extra }, testDeps(), sink);

/** A standalone file kept in a variable, rewritten on every state change (what the CLI does with a file). */
function fileSink(): { sink: StateSink; states: VscState[] } {
  const states: VscState[] = [];
  return { states, sink: async (s) => void states.push(s) };
}

async function reload(vsc: VirtualSmartCard, sink?: StateSink, protector: VscKeyProtector = vectorProtector()): Promise<VirtualSmartCard> {
  const bytes = await vsc.toStandaloneFile();
  return VirtualSmartCard.load(bytes, { protector }, { sink });
}

function expectCode(e: unknown, code: VscErrorCode): VscError {
  expect(e).toBeInstanceOf(VscError);
  expect((e as VscError).code).toBe(code);
  return e as VscError;
}

async function caught(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('VirtualSmartCard', () => {
  it('creates, seals and reloads a VSC with the label, id and binding of the seed', async () => {
    const vsc = await create();
    expect(vsc.label).toBe('VSC 00001079');
    vsc.putData({ name: 'address', area: 'public', value: Buffer.from('1 Main St'), mediaType: 'text/plain' });
    vsc.putData({ name: 'account number', area: 'private', value: Buffer.from('DE00 1234') });
    const file = await vsc.toStandaloneFile();
    const again = await VirtualSmartCard.load(file, testDeps());
    expect(again.id).toBe(vsc.id);
    expect(again.version).toBe(1);
    expect(again.state.binding?.serial).toBe('00001079');
    // Closed: the private object is not listed (Fig. 3B), opened it is (Fig. 3D).
    expect(again.listObjects().map((o) => o.name)).toEqual(['address']);
    await again.verifyPin(PIN);
    expect(again.listObjects().map((o) => o.name)).toEqual(['address', 'account number']);
    const acct = again.getObject('account number');
    expect(acct?.kind === 'data' && Buffer.from(acct.value).toString()).toBe('DE00 1234');
  });

  it('makes a new version for each change, chained by the previous hash', async () => {
    const vsc = await create();
    const v1 = await vsc.seal();
    expect(await vsc.seal()).toEqual(v1); // nothing changed, same version
    expect(vsc.version).toBe(1);
    vsc.putData({ name: 'url', area: 'public', value: Buffer.from('https://example.org'), mediaType: 'text/uri-list' });
    const v2 = await vsc.seal();
    const p1 = parseVscFile(v1).content;
    const p2 = parseVscFile(v2).content;
    expect(p2.header.hierarchy.version).toBe(2);
    expect(Buffer.from(p2.header.hierarchy.previousHash ?? [])).toEqual(p1.hash);
    expect(p2.header.id).toBe(p1.header.id);
  });

  it('generates RSA and EC keys into slots, signs and decrypts, and binds certificates to their key', async () => {
    const vsc = await create();
    const rsa = await vsc.generateKey(0x9a, KeyAlgorithm.RSA2048);
    const ec = await vsc.generateKey(0x9c, KeyAlgorithm.P256);
    const data = Buffer.from('to be signed');
    const rsaPub = createPublicKey({ key: Buffer.from(rsa.spki), format: 'der', type: 'spki' });
    const ecPub = createPublicKey({ key: Buffer.from(ec.spki), format: 'der', type: 'spki' });
    expect(verify('sha256', data, rsaPub, vsc.sign(0x9a, data))).toBe(true);
    expect(verify('sha256', data, ecPub, vsc.sign(0x9c, data))).toBe(true);
    const { publicEncrypt, constants } = await import('node:crypto');
    const ct = publicEncrypt({ key: rsaPub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('secret'));
    expect(vsc.decrypt(0x9a, ct).toString()).toBe('secret');

    const cert = await selfSignedCertificate(vsc, 0x9a, 'Mike Hamann');
    vsc.putCertificate(cert, { slot: 0x9a });
    expect(new X509Certificate(Buffer.from(vsc.certificate(0x9a) ?? [])).subject).toContain('CN=Mike Hamann');
    const foreign = await selfSignedCertificate(vsc, 0x9c, 'other');
    expectCode(await caught(() => vsc.putCertificate(foreign, { slot: 0x9a })), VscErrorCode.KeyMismatch);

    const again = await reload(vsc);
    expectCode(await caught(() => again.sign(0x9a, data)), VscErrorCode.NotOpen);
    await again.verifyPin(PIN);
    expect(verify('sha256', data, rsaPub, again.sign(0x9a, data))).toBe(true);
    expect(again.publicKey(0x9c)?.algorithm).toBe(KeyAlgorithm.P256);
  }, 60000);

  it('counts wrong PINs in the state, saves the count before answering, and blocks at zero', async () => {
    const vsc = await create({ pinTries: 3 });
    const { sink, states } = fileSink();
    const loaded = await reload(vsc, sink);
    expectCode(await caught(loaded.verifyPin('000000')), VscErrorCode.WrongPin);
    expect(states.at(-1)?.pin.remaining).toBe(2);
    const e = expectCode(await caught(loaded.verifyPin('000001')), VscErrorCode.WrongPin);
    expect(e.meta.remaining).toBe(1);
    expect(e.message).not.toContain('000001');
    // A right PIN restores the counter.
    await loaded.verifyPin(PIN);
    expect(loaded.state.pin.remaining).toBe(3);
    loaded.close();
    for (const remaining of [2, 1]) {
      expect(expectCode(await caught(loaded.verifyPin('999999')), VscErrorCode.WrongPin).meta.remaining as number).toBe(remaining);
    }
    expectCode(await caught(loaded.verifyPin('999999')), VscErrorCode.PinBlocked);
    // Blocked: even the right PIN is refused, without a KDF run.
    expectCode(await caught(loaded.verifyPin(PIN)), VscErrorCode.PinBlocked);
    expect(states.at(-1)?.pin.remaining).toBe(0);
    // The saved state survives a reload (the count lives in the file's state section).
    const file = await loaded.toStandaloneFile();
    const reloaded = await VirtualSmartCard.load(file, testDeps());
    expectCode(await caught(reloaded.verifyPin(PIN)), VscErrorCode.PinBlocked);
    // An officer unblocks through the recovery path and sets a new PIN.
    await reloaded.openWithRecovery();
    await reloaded.setPin('654321');
    expect(reloaded.state.pin.remaining).toBe(3);
    const after = await reload(reloaded);
    expectCode(await caught(after.verifyPin(PIN)), VscErrorCode.WrongPin);
    await after.verifyPin('654321');
  }, 60000);

  it('unblocks with the PUK path (RESET RETRY COUNTER)', async () => {
    const vsc = await create({ puk: '12345678', pinTries: 1 });
    const loaded = await reload(vsc);
    expectCode(await caught(loaded.verifyPin('111111')), VscErrorCode.PinBlocked);
    expectCode(await caught(loaded.unblockWithPuk('87654321', '222222')), VscErrorCode.WrongPin);
    await loaded.unblockWithPuk('12345678', '222222');
    expect(loaded.state.pin.remaining).toBe(1);
    expect(loaded.state.puk.remaining).toBe(loaded.state.puk.total);
    const again = await reload(loaded);
    await again.verifyPin('222222');
  }, 60000);

  it('changes the PIN: the old one stops working, the new one opens', async () => {
    const vsc = await create();
    const loaded = await reload(vsc);
    await loaded.changePin(PIN, 'n3w-pin');
    const again = await reload(loaded);
    expectCode(await caught(again.verifyPin(PIN)), VscErrorCode.WrongPin);
    await again.verifyPin('n3w-pin');
  }, 30000);

  it('seals escrow copies for the recovery path only, and adds the cardholder path later', async () => {
    const vsc = await VirtualSmartCard.create({ kind: 'escrow' }, testDeps());
    expect(vsc.hasCardholderPath).toBe(false);
    vsc.putData({ name: 'key information', area: 'private', value: Buffer.from('x') });
    const loaded = await reload(vsc);
    expectCode(await caught(loaded.verifyPin(PIN)), VscErrorCode.NoCardholderPath);
    await loaded.openWithRecovery();
    await loaded.setPin(PIN, TEST_KDF);
    const temp = await reload(loaded);
    await temp.verifyPin(PIN);
    expect(temp.getObject('key information')).toBeDefined();
  }, 30000);

  it('without the HSM (another HSM, or none), a right and a wrong PIN fail identically', async () => {
    const vsc = await create();
    const file = await vsc.toStandaloneFile();
    // Another HSM: its KEK differs, so even loading fails, before any PIN is looked at.
    const otherHsm = new MemoryKeyProtector(Buffer.alloc(32, 1), Buffer.alloc(32, 2));
    const loadOther = async (): Promise<unknown> => caught(VirtualSmartCard.load(file, { protector: otherHsm }));
    const a = expectCode(await loadOther(), VscErrorCode.SealTag);
    const b = expectCode(await loadOther(), VscErrorCode.SealTag);
    expect(a.message).toBe(b.message);

    // The HSM goes away after loading: the cardholder path needs it for every guess.
    let up = true;
    const real = vectorProtector();
    const flaky: VscKeyProtector = {
      currentKeys: () => real.currentKeys(),
      mac: (...args) => real.mac(...args),
      checkMac: (...args) => real.checkMac(...args),
      wrapForRecovery: (...args) => real.wrapForRecovery(...args),
      unwrapForRecovery: (...args) => real.unwrapForRecovery(...args),
      deriveCardholderKey: async (...args) => {
        if (!up) throw new HsmError(HsmErrorCode.Unavailable, 'the HSM is not reachable');
        return real.deriveCardholderKey(...args);
      },
    };
    const { sink, states } = fileSink();
    const loaded = await VirtualSmartCard.load(file, { protector: flaky }, { sink });
    up = false;
    const right = await caught(loaded.verifyPin(PIN));
    const wrong = await caught(loaded.verifyPin('000000'));
    expect(right).toBeInstanceOf(HsmError);
    expect(wrong).toBeInstanceOf(HsmError);
    expect((right as HsmError).code).toBe(HsmErrorCode.Unavailable);
    expect((right as Error).message).toBe((wrong as Error).message);
    // No try was counted while the HSM was away.
    expect(states).toHaveLength(0);
    expect(loaded.state.pin.remaining).toBe(loaded.state.pin.total);
    up = true;
    await loaded.verifyPin(PIN);
  }, 30000);

  it('refuses a disabled or expired VSC, while an officer can still recover from it', async () => {
    let now = Date.UTC(2030, 0, 1);
    const vsc = await VirtualSmartCard.create(
      { pin: PIN, kdf: TEST_KDF, allowWeakKdf: true, expiresAt: Date.UTC(2030, 0, 2) / 1000 },
      testDeps(undefined, { clock: () => now }),
    );
    await vsc.generateKey(0x9d, KeyAlgorithm.P256);
    const file = await vsc.toStandaloneFile();
    const loaded = await VirtualSmartCard.load(file, testDeps(undefined, { clock: () => now }));
    await loaded.disable();
    expectCode(await caught(loaded.verifyPin(PIN)), VscErrorCode.Disabled);
    await loaded.enable();
    now = Date.UTC(2030, 0, 3);
    expectCode(await caught(loaded.verifyPin(PIN)), VscErrorCode.Expired);
    await loaded.openWithRecovery();
    expect(loaded.sign(0x9d, Buffer.from('x')).length).toBeGreaterThan(0);
  }, 30000);

  it('keeps the state outside the content hash: a state change leaves the content bytes alone', async () => {
    const vsc = await create();
    const before = await vsc.toStandaloneFile();
    await vsc.disable();
    const after = await vsc.toStandaloneFile();
    const p1 = parseVscFile(before);
    const p2 = parseVscFile(after);
    expect(p2.content.hash).toEqual(p1.content.hash);
    expect(p2.state?.state.status).toBe('disabled');
    expect(p2.state?.state.sequence).toBe((p1.state?.state.sequence ?? 0) + 1);
  });

  it('rejects a state section copied from another version of the same VSC', async () => {
    const vsc = await create();
    const f1 = await vsc.toStandaloneFile();
    vsc.putData({ name: 'x', area: 'public', value: Buffer.from('1') });
    const f2 = await vsc.toStandaloneFile();
    const p1 = parseVscFile(f1);
    const p2 = parseVscFile(f2);
    // Content of version 2, state section (with a valid MAC) of version 1.
    const c2 = p2.content.bytes;
    const s1 = Buffer.from(f1.subarray(16 + p1.content.bytes.length));
    const pre = Buffer.from(f2.subarray(0, 16));
    pre.writeUInt32BE(16 + c2.length + s1.length, 12);
    const spliced = Buffer.concat([pre, c2, s1]);
    const e = await caught(VirtualSmartCard.load(spliced, testDeps()));
    // The preamble differs from the one the MAC saw (length), or the hash does not match.
    expect(e).toBeInstanceOf(VscError);
    expect((e as VscError).isRejection).toBe(true);
  });

  it('runs the full check through the recovery path', async () => {
    const vsc = await create();
    await vsc.generateKey(0x9e, KeyAlgorithm.P384);
    const report = await VirtualSmartCard.check(await vsc.toStandaloneFile(), testDeps());
    expect(report.checks).toEqual(expect.arrayContaining(['seal', 'state', 'private area', 'secret-key area', 'password area']));
    expect(report.label).toBe('VSC 00001079');
  });

  it('refuses a weak KDF unless a test asks for it', async () => {
    expectCode(await caught(VirtualSmartCard.create({ pin: PIN, kdf: TEST_KDF }, testDeps())), VscErrorCode.InvalidObject);
  });
});
