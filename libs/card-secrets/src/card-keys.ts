import type { HsmContext, KeyRef } from '@scm/hsm';
import { HsmError, HsmErrorCode, keyLabel, policyTemplate, profilePolicy } from '@scm/hsm';
import { KeyGenMechanism, KeyType, ObjectClass, type SecretKey, type Session } from 'graphene-pk11';
import { randomBytes } from 'node:crypto';
import { provisionStockKey } from './transport-keys';

/**
 * The HSM keys of card personalisation:
 *  - the management-key master: AES-256 whose only use is deriving each card's diversified
 *    management key inside the HSM (CKA_DERIVE; never encrypts, never leaves the token);
 *  - the PUK key: AES-256-GCM sealing each card's PUK for activation and help-desk unblock, so
 *    neither opens a VSC through the recovery path;
 *  - the stock key: AES-256 that only wraps and unwraps the transport keys of registered card
 *    stock (docs/stock.md);
 *  - the package key: a P-256 pair signing every key package released to a card worker, whose
 *    public key the worker pins at enrolment.
 */
export const CARD_KEYS = {
  managementMaster: { label: 'scm-mgmt-master', version: 1 } as KeyRef,
  puk: { label: 'scm-puk', version: 1 } as KeyRef,
  stock: { label: 'scm-stock-kek', version: 1 } as KeyRef,
  packageSigning: { label: 'scm-package-signing', version: 1 } as KeyRef,
} as const;

/** Finds a secret key by its `label/version`; undefined when absent. */
export function findSecretKey(session: Session, ref: KeyRef): SecretKey | undefined {
  const found = session.find({ class: ObjectClass.SECRET_KEY, label: keyLabel(ref) });
  if (found.length > 1) {
    throw new HsmError(HsmErrorCode.KeyMismatch, `several HSM keys are labelled ${keyLabel(ref)}`, { key: keyLabel(ref) });
  }
  return found.length === 1 ? found.items(0).toType<SecretKey>() : undefined;
}

/**
 * Creates a 256-bit AES token key of card personalisation: sensitive, never extractable, with the
 * usages and mechanisms of its profile (libs/hsm key-policy) and nothing else.
 */
export function generateCardAesKey(session: Session, ref: KeyRef, profile: 'aes-derive' | 'aes-key-wrap-pad'): void {
  session.generateKey(KeyGenMechanism.AES, {
    class: ObjectClass.SECRET_KEY,
    keyType: KeyType.AES,
    token: true,
    private: true,
    sensitive: true,
    extractable: false,
    label: keyLabel(ref),
    id: randomBytes(16),
    valueLen: 32,
    ...policyTemplate(profilePolicy(profile).secret!, 'secret'),
  });
}

export function checkMaster(key: SecretKey, ref: KeyRef): void {
  const a = key.getAttribute({ keyType: null, valueLen: null, derive: null, extractable: null, sensitive: null, encrypt: null });
  if (a.keyType !== KeyType.AES || a.valueLen !== 32 || !a.derive || a.extractable || !a.sensitive || a.encrypt) {
    throw new HsmError(HsmErrorCode.KeyMismatch, `HSM key ${keyLabel(ref)} is not a derive-only, non-extractable AES-256 key`, {
      key: keyLabel(ref),
    });
  }
}

/**
 * Creates the personalisation keys that do not exist yet and checks those that do (idempotent;
 * never replaces a key: cards in the field depend on the master).
 */
export async function provisionCardKeys(hsm: HsmContext, keys = CARD_KEYS): Promise<Array<{ ref: KeyRef; created: boolean }>> {
  const out: Array<{ ref: KeyRef; created: boolean }> = [];
  const master = await hsm.withSession((s) => {
    const k = findSecretKey(s, keys.managementMaster);
    if (k) {
      checkMaster(k, keys.managementMaster);
      return false;
    }
    generateCardAesKey(s, keys.managementMaster, 'aes-derive');
    return true;
  });
  out.push({ ref: keys.managementMaster, created: master });
  const existing = new Set((await hsm.listKeys()).map((k) => keyLabel(k.ref)));
  const present = existing.has(keyLabel(keys.puk));
  if (present) await hsm.getSecretKey(keys.puk, 'AES-256');
  else await hsm.createSecretKey(keys.puk, 'AES-256');
  out.push({ ref: keys.puk, created: !present });
  out.push({ ref: keys.stock, created: await hsm.withSession((s) => provisionStockKey(s, keys.stock)) });
  const signer = existing.has(keyLabel(keys.packageSigning));
  if (signer) await hsm.getSigningKey(keys.packageSigning, 'P-256');
  else await hsm.createSigningKey(keys.packageSigning, 'P-256');
  out.push({ ref: keys.packageSigning, created: !signer });
  return out;
}
