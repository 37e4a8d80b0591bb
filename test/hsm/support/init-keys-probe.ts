/*
 * Child-process helper: on the token named by PROBE_MODULE/PROBE_TOKEN/PROBE_PIN, runs every
 * init-keys of SCM (what scripts/setup and test/kit/global-setup do), lists every key object on
 * the token with its attributes, and tries each key with a mechanism outside its allowed list.
 * With PROBE_LEGACY=1 the token first gets a PUK key made the way older versions made it.
 * Prints one JSON line. A fresh process: a token initialised after C_Initialize is not seen.
 */
import { HsmContext, keyLabel } from '@scm/hsm';
import { HsmKeyProtector } from '@scm/vsc';
import { CARD_KEYS, findSecretKey, provisionCardKeys, PukVault } from '@scm/card-secrets';
import { provisionArchiveKey } from '@scm/archive';
import { InMemoryCaStore, setupCaHierarchy } from '@scm/ca';
import { randomBytes } from 'node:crypto';
import {
  AesCbcEncryptDataParams,
  KeyGenMechanism,
  KeyType,
  MechanismEnum,
  ObjectClass,
  type PrivateKey,
  type SecretKey,
  type Session,
} from 'graphene-pk11';

const settings = {
  module: process.env.PROBE_MODULE ?? '',
  tokenLabel: process.env.PROBE_TOKEN ?? '',
  slot: -1,
  pin: process.env.PROBE_PIN ?? '',
};

async function initKeys(hsm: HsmContext): Promise<string[]> {
  const created: string[] = [];
  const audit = { label: 'scm-audit-checkpoint', version: 1 };
  const hadAudit = (await hsm.listKeys()).some((k) => keyLabel(k.ref) === keyLabel(audit));
  await hsm.getOrCreateSigningKey(audit, 'P-256');
  if (!hadAudit) created.push(keyLabel(audit));
  for (const r of await HsmKeyProtector.provision(hsm)) if (r.created) created.push(keyLabel(r.ref));
  for (const r of await provisionCardKeys(hsm)) if (r.created) created.push(keyLabel(r.ref));
  const a = await provisionArchiveKey(hsm);
  if (a.created) created.push(keyLabel(a.ref));
  await setupCaHierarchy(hsm, new InMemoryCaStore(), { organization: 'SCM Attr Test', publicBaseUrl: 'http://127.0.0.1:7400' });
  return created;
}

/** Runs fn; 'ok' or the first line of the PKCS#11 error (CKR_…). */
function attempt(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    const m = /CKR_[A-Z_]+/.exec((e as Error).message);
    return m ? m[0] : (e as Error).message.split('\n')[0];
  }
}

function privateKey(s: Session, label: string): PrivateKey {
  return s.find({ class: ObjectClass.PRIVATE_KEY, label }).items(0).toType<PrivateKey>();
}

function negativeChecks(s: Session): Record<string, string> {
  const puk = findSecretKey(s, CARD_KEYS.puk)!;
  const stock = findSecretKey(s, CARD_KEYS.stock)!;
  const master = findSecretKey(s, CARD_KEYS.managementMaster)!;
  const signer = privateKey(s, keyLabel(CARD_KEYS.packageSigning));
  const mac = findSecretKey(s, { label: 'scm-vsc-kek', version: 1 })!;
  const plain = (): SecretKey =>
    s
      .create({
        class: ObjectClass.SECRET_KEY,
        keyType: KeyType.AES,
        token: false,
        sensitive: false,
        extractable: true,
        value: Buffer.alloc(16, 1),
      })
      .toType<SecretKey>();
  return {
    // CKA_ENCRYPT is true on the PUK key: only CKA_ALLOWED_MECHANISMS (AES-GCM only) refuses CBC.
    pukAesCbc: attempt(() => {
      const c = s.createCipher({ name: 'AES_CBC_PAD', params: Buffer.alloc(16) }, puk);
      Buffer.concat([c.update(Buffer.alloc(16)), c.final()]);
    }),
    // CKA_SIGN is true on the package key: ECDSA with SHA-1 is outside its list.
    signerEcdsaSha1: attempt(() => s.createSign(MechanismEnum.ECDSA_SHA1, signer).once(Buffer.from('package'))),
    // CKA_WRAP is true on the stock key: AES key wrap without padding is outside its list.
    stockKeyWrap: attempt(() => {
      const k = plain();
      try {
        s.wrapKey(MechanismEnum.AES_KEY_WRAP, stock, k);
      } finally {
        k.destroy();
      }
    }),
    // CKA_SIGN is true on the VSC KEK: HMAC-SHA-384 is outside its list.
    kekHmacSha384: attempt(() => s.createSign(MechanismEnum.SHA384_HMAC, mac).once(Buffer.from('state'))),
    // The allowed mechanisms still work: the stock key wraps with padding, the master derives.
    stockKeyWrapPad: attempt(() => {
      const k = plain();
      try {
        s.wrapKey(MechanismEnum.AES_KEY_WRAP_PAD, stock, k);
      } finally {
        k.destroy();
      }
    }),
    masterDerive: attempt(() =>
      s
        .deriveKey({ name: 'AES_CBC_ENCRYPT_DATA', params: new AesCbcEncryptDataParams(Buffer.alloc(16), Buffer.alloc(32, 2)) }, master, {
          class: ObjectClass.SECRET_KEY,
          keyType: KeyType.AES,
          valueLen: 16,
          token: false,
          sensitive: true,
          extractable: false,
          encrypt: true,
        })
        .destroy(),
    ),
    masterEncrypt: attempt(() => s.createCipher({ name: 'AES_ECB', params: null }, master).final()),
  };
}

/** A PUK key as versions before the attribute table created it: AES-256 that also wraps, any mechanism. */
function createLegacyPuk(s: Session): void {
  s.generateKey(KeyGenMechanism.AES, {
    class: ObjectClass.SECRET_KEY,
    keyType: KeyType.AES,
    token: true,
    private: true,
    sensitive: true,
    extractable: false,
    label: keyLabel(CARD_KEYS.puk),
    id: randomBytes(16),
    valueLen: 32,
    encrypt: true,
    decrypt: true,
    wrap: true,
    unwrap: true,
    sign: false,
    verify: false,
    derive: false,
  });
}

async function main(): Promise<unknown> {
  const hsm = HsmContext.open(settings, { sessions: 1 });
  try {
    if (process.env.PROBE_LEGACY === '1') await hsm.withSession((s) => createLegacyPuk(s));
    const first = await initKeys(hsm);
    const second = await initKeys(hsm);
    const objects = await hsm.listKeyObjects();
    const negative = await hsm.withSession((s) => negativeChecks(s));
    // The PUK key still seals and opens PUKs through its one mechanism (AES-GCM).
    const vault = new PukVault(hsm);
    const sealed = await vault.seal(Buffer.from('12345678'), 'card-1');
    const pukRoundTrip = (await vault.open(sealed, 'card-1')).toString() === '12345678';
    const kek = await hsm.getSecretKey({ label: 'scm-vsc-kek', version: 1 }, 'HMAC-SHA-256');
    const hmacOk = (await kek.hmac(Buffer.from('x'))).length === 32;
    return { ok: true, first, second, objects, negative, pukRoundTrip, hmacOk };
  } finally {
    hsm.close();
  }
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e: Error) => process.stdout.write(`${JSON.stringify({ ok: false, message: e.stack ?? e.message })}\n`),
);
