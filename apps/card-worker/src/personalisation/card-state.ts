import { constants, createPublicKey, randomBytes, verify, X509Certificate } from 'node:crypto';
import { StatusWordError } from '@scm/apdu';
import type { StepOutcome, StepReport } from '@scm/personalisation';
import { type AsymmetricAlgorithm, decodeDiscovery, NoKeyError, OBJECT, PIV_AID, PivError, PivErrorCode, type PivSession } from '@scm/piv';

/*
 * What a personalisation attempt reads from the card to decide what to write: whether the card
 * refused a command, whether a slot still holds its certified key, whether the card has Discovery.
 */

const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');

/**
 * The card refused a command (a status word it was not asked for, or an answer that makes no
 * sense), as opposed to "the card is gone" (PcscError) or a fault of the package (InvalidArgument
 * without a status word, raised by the worker): the status word (4 hex digits) or null, else undefined.
 */
export function cardRefusal(e: unknown): { sw: string | null } | undefined {
  if (e instanceof StatusWordError) return { sw: swHex(e.sw) };
  if (!(e instanceof PivError)) return undefined;
  const sw = typeof e.meta.sw === 'number' ? e.meta.sw : e.cause instanceof StatusWordError ? e.cause.sw : undefined;
  if (sw === undefined && e.code === PivErrorCode.InvalidArgument) return undefined;
  return { sw: sw === undefined ? null : swHex(sw) };
}

/** Errors of the worker's own checks: the package cannot be put on any card. */
export const isPackageFault = (e: unknown): boolean => e instanceof PivError && e.code === PivErrorCode.InvalidArgument;

/** The serial of a certificate (DER, base64), lower-case hex as the API names it. */
export const certificateSerial = (certB64: string): string =>
  new X509Certificate(Buffer.from(certB64, 'base64')).serialNumber.toLowerCase();

/** Checks a card signature locally before the API does (a mismatch here is reported, not hidden). */
export function signatureMatches(certB64: string, message: Buffer, signature: Uint8Array): boolean {
  const key = new X509Certificate(Buffer.from(certB64, 'base64')).publicKey;
  const opts = key.asymmetricKeyType === 'rsa' ? { key, padding: constants.RSA_PKCS1_PADDING } : { key, dsaEncoding: 'der' as const };
  return verify('sha256', message, opts, signature);
}

/** Whether an SPKI (DER) is the public key of a certificate (DER, base64). */
export const certifies = (certB64: string, spki: Uint8Array): boolean =>
  createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })
    .export({ format: 'der', type: 'spki' })
    .equals(new X509Certificate(Buffer.from(certB64, 'base64')).publicKey.export({ format: 'der', type: 'spki' }));

/**
 * Whether the slot holds the key its certificate names: the public key GET METADATA reports (YubiKey
 * 5.3+, the software card), or, on a card without metadata, a signature with the slot that
 * verifies against the certificate (the PIN verified first, as the slot's PIN policy may need).
 */
export async function holdsCertifiedKey(
  session: PivSession,
  slot: number,
  algorithm: AsymmetricAlgorithm,
  certB64: string,
  pin: string,
): Promise<boolean> {
  try {
    const meta = await session.getMetadata(slot);
    if (meta.publicKey) return certifies(certB64, meta.publicKey.spki);
  } catch (e) {
    if (e instanceof NoKeyError) return false;
    if (!(e instanceof PivError && e.code === PivErrorCode.NotSupported)) throw e;
  }
  const message = randomBytes(32);
  try {
    await session.verifyPin(pin);
    return signatureMatches(certB64, message, await session.sign(slot, algorithm, message));
  } catch (e) {
    if (e instanceof NoKeyError) return false;
    throw e;
  }
}

/**
 * Discovery is an object many cards keep in firmware: written only when the card has none that
 * names the PIV application, and a refusal to write it is not fatal (skipped, with the status word).
 */
export async function ensureDiscovery(
  session: PivSession,
  discovery: Uint8Array,
): Promise<{ outcome: StepOutcome; details: StepReport['details'] }> {
  const present = await session.getObject(OBJECT.DISCOVERY).catch((e: unknown) => {
    if (cardRefusal(e)) return undefined;
    throw e;
  });
  if (present) {
    try {
      const aid = Buffer.from(decodeDiscovery(present).aid);
      if (aid.length >= 5 && aid.equals(Buffer.from(PIV_AID.subarray(0, aid.length))))
        return { outcome: 'skipped', details: { present: true } };
    } catch (e) {
      if (!(e instanceof PivError)) throw e;
    }
  }
  try {
    await session.putObject(OBJECT.DISCOVERY, discovery);
    return { outcome: 'done', details: { written: true } };
  } catch (e) {
    const refused = cardRefusal(e);
    if (!refused) throw e;
    return { outcome: 'skipped', details: { written: false, sw: refused.sw ?? 'none' } };
  }
}
