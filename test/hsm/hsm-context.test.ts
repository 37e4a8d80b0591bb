import { createHash, verify as nodeVerify } from 'node:crypto';
import { KeyType, MechanismEnum, ObjectClass, type PrivateKey, type SecretKey } from 'graphene-pk11';
import { HsmContext, HsmError, HsmErrorCode, KEY_CACHE_MS, type KeyRef, type SigningKeyAlgorithm } from '@scm/hsm';
import * as x509 from '@peculiar/x509';
import { probe, scratchLabel, SOFTHSM_MODULE, testHsmSettings } from './support/settings';

/** The HSM context against the real SoftHSM2 token of the test sandbox. */
describe('HsmContext on SoftHSM2', () => {
  let ctx: HsmContext;
  const created: KeyRef[] = [];
  const ref = (what: string): KeyRef => {
    const r = { label: scratchLabel(what), version: 1 };
    created.push(r);
    return r;
  };

  beforeAll(() => {
    ctx = HsmContext.open(testHsmSettings());
  });
  afterAll(async () => {
    for (const r of created) await ctx.destroyKey(r);
    ctx.close();
  });

  it('answers a ping with the token label', async () => {
    const p = await ctx.ping();
    expect(p.token).toBe(testHsmSettings().tokenLabel);
  });

  it.each<SigningKeyAlgorithm>(['P-256', 'P-384', 'RSA-2048', 'RSA-3072'])(
    'creates a %s key pair, signs inside the HSM, finds it again by label',
    async (alg) => {
      const r = ref(`sig-${alg.toLowerCase()}`);
      const key = await ctx.getOrCreateSigningKey(r, alg);
      expect(key.algorithm).toBe(alg);
      const data = Buffer.from(`checkpoint ${alg}`);
      const sig = await key.sign(data);
      // An independent verifier: node:crypto with the exported SPKI.
      const hash = alg === 'P-384' ? 'sha384' : 'sha256';
      expect(nodeVerify(hash, data, { key: key.spki, format: 'der', type: 'spki' }, sig)).toBe(true);
      expect(nodeVerify(hash, Buffer.from('other'), { key: key.spki, format: 'der', type: 'spki' }, sig)).toBe(false);
      expect(key.verify(data, sig)).toBe(true);
      if (key.isEc) {
        const raw = await key.sign(data, { dsaEncoding: 'ieee-p1363' });
        expect(raw.length).toBe(alg === 'P-256' ? 64 : 96);
        expect(key.verify(data, raw, { dsaEncoding: 'ieee-p1363' })).toBe(true);
      }
      const again = await ctx.getOrCreateSigningKey(r, alg);
      expect(again.spki.equals(key.spki)).toBe(true);
      const got = await ctx.getSigningKey(r);
      expect(got.spki.equals(key.spki)).toBe(true);
    },
  );

  it('keeps a key it found (no second search of the token), and forgets it when it is destroyed or made again', async () => {
    const r = ref('cache');
    const made = await ctx.createSigningKey(r, 'P-256');
    const first = await ctx.getSigningKey(r);
    expect(await ctx.getSigningKey(r)).toBe(first);
    expect(first.spki.equals(made.spki)).toBe(true);
    const secret = ref('cache-secret');
    await ctx.createSecretKey(secret, 'AES-256');
    expect(await ctx.getSecretKey(secret, 'AES-256')).toBe(await ctx.getSecretKey(secret, 'AES-256'));
    // The algorithm check still holds for a key that is kept.
    await expect(ctx.getSigningKey(r, 'P-384')).rejects.toMatchObject({ code: HsmErrorCode.KeyMismatch });
    await ctx.destroyKey(r);
    await expect(ctx.getSigningKey(r)).rejects.toMatchObject({ code: HsmErrorCode.KeyNotFound });
    // A lookup that failed is not kept: the key made again is found, and it is the new one.
    const again = await ctx.createSigningKey(r, 'P-256');
    const found = await ctx.getSigningKey(r);
    expect(found.spki.equals(again.spki)).toBe(true);
    expect(found.spki.equals(made.spki)).toBe(false);
  });

  it('notices a key another process destroyed once the kept entry expires, not before', async () => {
    const r = ref('cache-expiry');
    await ctx.createSigningKey(r, 'P-256');
    const kept = await ctx.getSigningKey(r);
    // Another process (here a second context with sessions of its own) destroys the key.
    const other = HsmContext.open(testHsmSettings());
    try {
      await other.destroyKey(r);
    } finally {
      other.close();
    }
    expect(await ctx.getSigningKey(r)).toBe(kept);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + KEY_CACHE_MS + 1);
    try {
      await expect(ctx.getSigningKey(r)).rejects.toMatchObject({ code: HsmErrorCode.KeyNotFound });
    } finally {
      clock.mockRestore();
    }
    created.splice(created.indexOf(r), 1);
  });

  it('never creates a key on get: a missing key is KeyNotFound', async () => {
    const r = { label: scratchLabel('absent'), version: 1 };
    await expect(ctx.getSigningKey(r)).rejects.toMatchObject({ code: HsmErrorCode.KeyNotFound });
    await expect(ctx.getSecretKey(r)).rejects.toMatchObject({ code: HsmErrorCode.KeyNotFound });
    const listed = (await ctx.listKeys()).filter((k) => k.ref.label === r.label);
    expect(listed).toEqual([]);
  });

  it('refuses to create a label/version twice and reports a type mismatch', async () => {
    const r = ref('dup');
    await ctx.createSigningKey(r, 'P-256');
    await expect(ctx.createSigningKey(r, 'P-256')).rejects.toMatchObject({ code: HsmErrorCode.KeyExists });
    await expect(ctx.createSecretKey(r, 'AES-256')).rejects.toMatchObject({ code: HsmErrorCode.KeyExists });
    await expect(ctx.getOrCreateSigningKey(r, 'RSA-2048')).rejects.toMatchObject({ code: HsmErrorCode.KeyMismatch });
    await expect(ctx.getSigningKey(r, 'P-384')).rejects.toMatchObject({ code: HsmErrorCode.KeyMismatch });
    // A new version is a new key.
    const v2 = { label: r.label, version: 2 };
    created.push(v2);
    const k2 = await ctx.createSigningKey(v2, 'P-256');
    expect(k2.spki.equals((await ctx.getSigningKey(r)).spki)).toBe(false);
    const listed = (await ctx.listKeys()).filter((k) => k.ref.label === r.label);
    expect(listed.map((k) => [k.ref.version, k.kind, k.algorithm, k.extractable, k.sensitive])).toEqual([
      [1, 'key-pair', 'P-256', false, true],
      [2, 'key-pair', 'P-256', false, true],
    ]);
  });

  it('keeps private and secret keys in the HSM: export, CKA_VALUE reads and wrapping all fail', async () => {
    const sigRef = ref('noexport');
    const key = await ctx.getOrCreateSigningKey(sigRef, 'P-256');
    const aes = await ctx.getOrCreateSecretKey(ref('noexport-aes'), 'AES-256');
    const mac = await ctx.getOrCreateSecretKey(ref('noexport-mac'), 'HMAC-SHA-256');
    await ctx.withSession(async (session, p11) => {
      await expect(p11.subtle.exportKey('pkcs8', key.privateKey as never)).rejects.toThrow();
      await expect(p11.subtle.exportKey('jwk', key.privateKey as never)).rejects.toThrow();
      await expect(p11.subtle.exportKey('raw', aes.cryptoKey as never)).rejects.toThrow();
      const priv = session.find({ class: ObjectClass.PRIVATE_KEY, label: key.label }).items(0).toType<PrivateKey>();
      expect(priv.extractable).toBe(false);
      expect(priv.sensitive).toBe(true);
      expect(() => priv.getAttribute({ value: null })).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      for (const k of [aes, mac]) {
        const obj = session.find({ class: ObjectClass.SECRET_KEY, label: k.label }).items(0).toType<SecretKey>();
        expect(obj.extractable).toBe(false);
        expect(() => obj.getAttribute({ value: null })).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
        // Wrapping under an AES key we could then decrypt must be refused too.
        const wrapper = session.generateKey(MechanismEnum.AES_KEY_GEN, {
          class: ObjectClass.SECRET_KEY,
          keyType: KeyType.AES,
          valueLen: 32,
          token: false,
          wrap: true,
          extractable: true,
        });
        expect(() => session.wrapKey(MechanismEnum.AES_KEY_WRAP_PAD, wrapper, obj)).toThrow(/CKR_KEY_UNEXTRACTABLE|CKR_KEY_NOT_WRAPPABLE/);
        expect(() => session.wrapKey(MechanismEnum.AES_KEY_WRAP_PAD, wrapper, priv)).toThrow(/CKR_KEY_UNEXTRACTABLE|CKR_KEY_NOT_WRAPPABLE/);
        wrapper.destroy();
      }
    });
  });

  it('encrypts with AES-256-GCM inside the HSM; a changed byte, AAD or key fails', async () => {
    const k = await ctx.getOrCreateSecretKey(ref('gcm'), 'AES-256');
    const other = await ctx.getOrCreateSecretKey(ref('gcm-other'), 'AES-256');
    const pt = Buffer.from('private key area of a VSC');
    const aad = Buffer.from('vsc 1 header');
    const ct = await k.encrypt(pt, aad);
    expect(ct.length).toBe(12 + pt.length + 16);
    expect(ct.includes(pt)).toBe(false);
    expect(await k.decrypt(ct, aad)).toEqual(pt);
    const twice = await k.encrypt(pt, aad);
    expect(twice.equals(ct)).toBe(false); // fresh IV each time
    const flipped = Buffer.from(ct);
    flipped[20] ^= 1;
    await expect(k.decrypt(flipped, aad)).rejects.toMatchObject({ code: HsmErrorCode.OperationFailed });
    await expect(k.decrypt(ct, Buffer.from('vsc 2 header'))).rejects.toBeInstanceOf(HsmError);
    await expect(other.decrypt(ct, aad)).rejects.toBeInstanceOf(HsmError);
  });

  it('wraps key material with AES key wrap (RFC 3394, 7816-4 padded) and unwraps it; tampering fails', async () => {
    const k = await ctx.getOrCreateSecretKey(ref('kw'), 'AES-256', 'aes-key-wrap');
    for (const material of [Buffer.alloc(32, 7), Buffer.from('an odd-length 23 bytes!')]) {
      const w = await k.wrap(material);
      expect(w.length % 8).toBe(0);
      expect(w.includes(material)).toBe(false);
      expect(await k.unwrap(w)).toEqual(material);
      const bad = Buffer.from(w);
      bad[3] ^= 0x80;
      await expect(k.unwrap(bad)).rejects.toMatchObject({ code: HsmErrorCode.OperationFailed });
    }
  });

  it('computes HMAC-SHA-256 inside the HSM, and refuses operations of another key type', async () => {
    const k = await ctx.getOrCreateSecretKey(ref('hmac'), 'HMAC-SHA-256');
    const a = await k.hmac(Buffer.from('argon2id output'));
    expect(a.length).toBe(32);
    expect(await k.hmac(Buffer.from('argon2id output'))).toEqual(a);
    expect((await k.hmac(Buffer.from('argon2id outpuT'))).equals(a)).toBe(false);
    expect(await k.verifyHmac(Buffer.from('argon2id output'), a)).toBe(true);
    expect(await k.verifyHmac(Buffer.from('x'), a)).toBe(false);
    // Not a plain hash: the key matters.
    expect(a.equals(createHash('sha256').update('argon2id output').digest())).toBe(false);
    await expect(k.encrypt(Buffer.from('x'))).rejects.toMatchObject({ code: HsmErrorCode.KeyMismatch });
  });

  it('runs many concurrent operations without CKR_OPERATION_ACTIVE', async () => {
    const key = await ctx.getOrCreateSigningKey(ref('concurrent'), 'P-256');
    const aes = await ctx.getOrCreateSecretKey(ref('concurrent-aes'), 'AES-256');
    const data = Buffer.from('parallel');
    const results = await Promise.all([
      ...Array.from({ length: 30 }, () => key.sign(data)),
      ...Array.from({ length: 30 }, () => aes.encrypt(data)),
    ]);
    expect(results.slice(0, 30).every((s) => key.verify(data, s))).toBe(true);
    const plain = await Promise.all(results.slice(30).map((c) => aes.decrypt(c)));
    expect(plain.every((p) => p.equals(data))).toBe(true);
  });

  it('runs key lookups in the session queues: no CKR_OPERATION_ACTIVE and no wrong HMAC while lookups meet operations', async () => {
    // What the API does under load (4 sessions): VSC seal HMACs in flight while other requests
    // look their keys up again (the PUK vault does, per operation). A lookup searches a session
    // (C_FindObjects*); beside an operation on that session it failed with CKR_OPERATION_ACTIVE.
    const busy = HsmContext.open(testHsmSettings(), { sessions: 4 });
    try {
      const macRef = ref('lookup-race-hmac');
      const aesRef = ref('lookup-race-aes');
      const mac = await busy.getOrCreateSecretKey(macRef, 'HMAC-SHA-256');
      await busy.getOrCreateSecretKey(aesRef, 'AES-256');
      const messages = Array.from({ length: 600 }, (_, i) => Buffer.from(`VSC seal input ${i} `.repeat(2000)));
      const expected: Buffer[] = [];
      for (const m of messages) expected.push(await mac.hmac(m));
      const failures: string[] = [];
      let wrong = 0;
      for (let round = 0; round < 3; round++) {
        const macs = await Promise.all(
          messages.map(async (m, i) => {
            try {
              if (i % 2 === 0) await (await busy.getSecretKey(aesRef, 'AES-256')).encrypt(Buffer.from('a PUK'));
              return await mac.hmac(m);
            } catch (e) {
              failures.push((e as Error).message);
              return undefined;
            }
          }),
        );
        wrong += macs.filter((m, i) => m !== undefined && !m.equals(expected[i])).length;
      }
      expect({ failures, wrong }).toEqual({ failures: [], wrong: 0 });
    } finally {
      busy.close();
    }
  });

  it('signs a digest taken outside the HSM as it signs the data (P-256 and P-384); refuses a digest of the wrong size and an RSA key', async () => {
    const data = Buffer.from('a manifest too large to hand over at once, hashed as it is written');
    for (const [alg, hash] of [
      ['P-256', 'sha256'],
      ['P-384', 'sha384'],
    ] as const) {
      const key = await ctx.getOrCreateSigningKey(ref(`digest-${alg.toLowerCase()}`), alg);
      const sig = await key.signDigest(createHash(hash).update(data).digest());
      expect(key.verify(data, sig)).toBe(true);
      expect(key.verify(Buffer.concat([data, Buffer.of(0)]), sig)).toBe(false);
      const raw = await key.signDigest(createHash(hash).update(data).digest(), { dsaEncoding: 'ieee-p1363' });
      expect(raw.length).toBe(alg === 'P-256' ? 64 : 96);
      expect(key.verify(data, raw, { dsaEncoding: 'ieee-p1363' })).toBe(true);
      await expect(key.signDigest(Buffer.alloc(20))).rejects.toThrow(/digest is/);
    }
    const rsa = await ctx.getOrCreateSigningKey(ref('digest-rsa'), 'RSA-2048');
    await expect(rsa.signDigest(createHash('sha256').update(data).digest())).rejects.toMatchObject({ code: HsmErrorCode.KeyMismatch });
  });

  it('serves as the @peculiar/x509 crypto provider: a self-signed certificate signed in the HSM verifies', async () => {
    const key = await ctx.getOrCreateSigningKey(ref('x509'), 'P-384');
    const cert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: '01',
        name: 'CN=HSM provider test',
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 3600_000),
        keys: { privateKey: key.privateKey as never, publicKey: key.publicKey as never },
        signingAlgorithm: key.signingAlgorithm,
      },
      ctx.crypto as never,
    );
    expect(Buffer.from(cert.publicKey.rawData).equals(key.spki)).toBe(true);
    expect(await cert.verify({ signatureOnly: true }, ctx.crypto as never)).toBe(true);
  });
});

/** Clear errors for a missing module, an absent token and a wrong PIN (fresh processes: login state is per process). */
describe('HsmContext errors', () => {
  const s = testHsmSettings();

  it('a missing PKCS#11 module is Unavailable', () => {
    let err: unknown;
    try {
      HsmContext.open({ ...s, module: '/nonexistent/libpkcs11.so' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HsmError);
    expect((err as HsmError).code).toBe(HsmErrorCode.Unavailable);
    expect((err as HsmError).message).toMatch(/cannot load the PKCS#11 module \/nonexistent\/libpkcs11\.so/);
  });

  it('an absent token is TokenNotFound', () => {
    let err: unknown;
    try {
      HsmContext.open({ ...s, tokenLabel: 'no-such-token-here' });
    } catch (e) {
      err = e;
    }
    expect((err as HsmError).code).toBe(HsmErrorCode.TokenNotFound);
    expect((err as HsmError).message).toMatch(/no token labelled "no-such-token-here"/);
  });

  it('a wrong PIN is LoginFailed and the right PIN still works afterwards', async () => {
    const env = { PROBE_MODULE: SOFTHSM_MODULE, PROBE_TOKEN: s.tokenLabel };
    const bad = await probe(['open'], { ...env, PROBE_PIN: 'not-the-pin' });
    expect(bad).toMatchObject({ ok: false, code: HsmErrorCode.LoginFailed });
    expect(bad.message).toMatch(/the PIN is wrong/);
    expect(bad.message).not.toContain(s.pin);
    const good = await probe(['open'], { ...env, PROBE_PIN: s.pin });
    expect(good).toMatchObject({ ok: true });
  });
});
