import { X509Certificate } from 'node:crypto';
import { ALGORITHM_INFO, KEY_REF, KEY_SLOTS, OBJECT, slotName } from './piv.constants';
import { PivError, PivErrorCode } from './piv-errors';
import type { PivIdentity, PivMetadata, PivSession, RetryStatus } from './piv-session';

/** What a slot holds, as far as the card tells without a PIN. */
export interface SlotReport {
  slot: string;
  /** Key algorithm from GET METADATA, else from the certificate's public key. */
  keyType?: string;
  origin?: 'generated' | 'imported';
  pinPolicy?: number;
  touchPolicy?: number;
  certificate?: {
    subject: string;
    issuer: string;
    serialNumber: string;
    notBefore: string;
    notAfter: string;
    keyType: string;
    compressed: boolean;
  };
  /** The certificate object is there but cannot be read as a certificate. */
  error?: string;
}

export interface PivCardReport {
  identity: PivIdentity;
  pin: RetryStatus;
  puk?: RetryStatus;
  managementKey?: { algorithm: string; isDefault?: boolean };
  slots: SlotReport[];
  objects: { ccc: boolean; keyHistory?: { onCard: number; offCard: number }; discovery: boolean };
}

/** "RSA-2048", "P-256", ... for a node public key. */
export function describeKey(key: X509Certificate['publicKey']): string {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return `RSA-${d.modulusLength}`;
  if (key.asymmetricKeyType === 'ec')
    return d.namedCurve === 'prime256v1' ? 'P-256' : d.namedCurve === 'secp384r1' ? 'P-384' : `EC ${d.namedCurve}`;
  return key.asymmetricKeyType ?? 'unknown';
}

const algName = (m: PivMetadata | undefined): string | undefined =>
  m ? (ALGORITHM_INFO[m.algorithm]?.name ?? `0x${m.algorithm.toString(16)}`) : undefined;

/**
 * Reads everything a card shows without a PIN and without spending a try: identity, PIN and PUK
 * tries left, management-key algorithm, each slot's key and certificate, which objects exist.
 */
export async function readCardReport(s: PivSession, opts: { retiredSlots?: boolean } = {}): Promise<PivCardReport> {
  const identity = await s.identity();
  const pin = await s.pinStatus();
  const puk = await s.pukStatus();
  const mgm = await s.tryMetadata(KEY_REF.MANAGEMENT);
  const slots: SlotReport[] = [];
  for (const slot of KEY_SLOTS.filter((x) => opts.retiredSlots !== false || x >= 0x9a)) {
    const meta = await s.tryMetadata(slot);
    let cert: Awaited<ReturnType<PivSession['readCertificate']>>;
    let error: string | undefined;
    try {
      cert = await s.readCertificate(slot);
    } catch (e) {
      if (!(e instanceof PivError && e.code === PivErrorCode.BadObject)) throw e;
      error = e.message;
    }
    if (!meta && !cert && !error) continue;
    const r: SlotReport = {
      slot: slotName(slot),
      keyType: algName(meta),
      origin: meta?.origin,
      pinPolicy: meta?.pinPolicy,
      touchPolicy: meta?.touchPolicy,
    };
    if (cert) {
      try {
        const x = new X509Certificate(cert.der);
        r.certificate = {
          subject: x.subject.replace(/\n/g, ', '),
          issuer: x.issuer.replace(/\n/g, ', '),
          serialNumber: x.serialNumber,
          notBefore: new Date(x.validFrom).toISOString(),
          notAfter: new Date(x.validTo).toISOString(),
          keyType: describeKey(x.publicKey),
          compressed: cert.compressed,
        };
        r.keyType ??= r.certificate.keyType;
      } catch (e) {
        error = `not a certificate: ${(e as Error).message}`;
      }
    }
    if (error) r.error = error;
    slots.push(r);
  }
  const kh = await s.readKeyHistory().catch(() => undefined);
  return {
    identity,
    pin,
    puk,
    managementKey: mgm ? { algorithm: algName(mgm)!, isDefault: mgm.isDefault } : undefined,
    slots,
    objects: {
      ccc: (await s.getObject(OBJECT.CCC).catch(() => undefined)) !== undefined,
      keyHistory: kh ? { onCard: kh.onCard, offCard: kh.offCard } : undefined,
      discovery: (await s.getObject(OBJECT.DISCOVERY).catch(() => undefined)) !== undefined,
    },
  };
}
