import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import { createPublicKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { keyRefFrom, type HsmContext, type HsmSigningKey } from '@scm/hsm';
import { CaError, CaErrorCode } from './ca-errors';
import type {
  CaCertificates,
  CertificateAuthorityPort,
  CertificateInfo,
  CertificateStatus,
  CrlResult,
  IssueCertificateRequest,
  IssuedCertificate,
  RevocationReason,
  SubjectName,
} from './ca.port';
import type { CaStore, CertificateRecord, CrlRecord } from './ca-store.port';
import { subjectAltNames, TEMPLATES, canonicalUuid, type PolicyGroup } from './piv-templates';
import { normaliseSerial, randomSerial } from './serial-number';
import { x509Crypto, x509Signing } from './x509-interop';

export interface CaConfig {
  /** Base URL where the API publishes `/crl/<ca>.crl` and `/ca/<ca>.crt` (e.g. http://pki.example.org). */
  publicBaseUrl: string;
  /** nextUpdate of a CRL = thisUpdate + this many hours (default 72). */
  crlValidityHours?: number;
  /** Certificate policy OIDs per template group; none by default (see OID.fpkiCommon* for federal ones). */
  policies?: Partial<Record<PolicyGroup, readonly string[]>>;
  /** Clock, for tests. */
  now?: () => Date;
}

/** URL of a CA's CRL as the API serves it. */
export const crlUrlOf = (base: string, caId: string): string => `${base.replace(/\/+$/, '')}/crl/${caId}.crl`;
/** URL of a CA's certificate (DER) as the API serves it. */
export const caCertUrlOf = (base: string, caId: string): string => `${base.replace(/\/+$/, '')}/ca/${caId}.crt`;

const REASON_CODE: Record<RevocationReason, x509.X509CrlReason | undefined> = {
  // RFC 5280 5.3.1: the reason code "unspecified" should be absent.
  unspecified: undefined,
  keyCompromise: x509.X509CrlReason.keyCompromise,
  affiliationChanged: x509.X509CrlReason.affiliationChanged,
  superseded: x509.X509CrlReason.superseded,
  cessationOfOperation: x509.X509CrlReason.cessationOfOperation,
  privilegeWithdrawn: x509.X509CrlReason.privilegeWithdrawn,
};

const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/**
 * A certification authority whose private key stays in the HSM. The same class runs the
 * issuing CA (PIV certificates, its CRL) and, where the root key is on this HSM, the root
 * (the issuing CA's certificate and the root CRL). State lives in a {@link CaStore}.
 */
export class HsmCertificateAuthority implements CertificateAuthorityPort {
  private readonly now: () => Date;

  private constructor(
    readonly id: string,
    private readonly hsm: HsmContext,
    private readonly store: CaStore,
    readonly key: HsmSigningKey,
    readonly certificate: x509.X509Certificate,
    private readonly config: CaConfig,
  ) {
    this.now = config.now ?? (() => new Date());
  }

  /**
   * Opens a CA set up earlier: its certificate from the store, its key from the HSM (never
   * created here). CaError NotConfigured when the certificate is missing or not the key's.
   */
  static async open(hsm: HsmContext, store: CaStore, caId: string, config: CaConfig): Promise<HsmCertificateAuthority> {
    const auth = await store.getAuthority(caId);
    if (!auth || auth.role === 'content-signer') {
      throw new CaError(CaErrorCode.NotConfigured, `CA ${caId} is not set up (no CA certificate in the store)`, { caId });
    }
    if (!auth.keyLabel) throw new CaError(CaErrorCode.NotConfigured, `the key of CA ${caId} is not in this HSM (offline CA)`, { caId });
    const key = await hsm.getSigningKey(keyRefFrom(auth.keyLabel));
    const cert = new x509.X509Certificate(auth.der);
    if (!Buffer.from(cert.publicKey.rawData).equals(key.spki)) {
      throw new CaError(CaErrorCode.NotConfigured, `the certificate of CA ${caId} is not for HSM key ${auth.keyLabel}`, {
        caId,
        key: auth.keyLabel,
      });
    }
    return new HsmCertificateAuthority(caId, hsm, store, key, cert, config);
  }

  get crlUrl(): string {
    return crlUrlOf(this.config.publicBaseUrl, this.id);
  }

  get caIssuersUrl(): string {
    return caCertUrlOf(this.config.publicBaseUrl, this.id);
  }

  async issue(req: IssueCertificateRequest): Promise<IssuedCertificate> {
    const t = TEMPLATES[req.template];
    if (!t) throw new CaError(CaErrorCode.InvalidRequest, `unknown certificate template ${String(req.template)}`, {});
    const kind = subjectKeyKind(req.publicKey);
    let subject = req.subject;
    if (!subject) {
      if (t.subjectRequired) throw new CaError(CaErrorCode.InvalidRequest, `template ${t.name} needs a subject`, { template: t.name });
      if (!req.identity.cardUuid)
        throw new CaError(CaErrorCode.InvalidRequest, `template ${t.name} needs the card UUID`, { template: t.name });
      subject = { commonName: canonicalUuid(req.identity.cardUuid) };
    }
    const extensions: x509.Extension[] = [
      new x509.KeyUsagesExtension(t.keyUsage(kind), true),
      new x509.ExtendedKeyUsageExtension([...t.extendedKeyUsages], false),
    ];
    const san = subjectAltNames(t, req.identity);
    if (san.length) extensions.push(new x509.SubjectAlternativeNameExtension(san, false));
    const policies = this.config.policies?.[t.policyGroup];
    if (policies?.length) extensions.push(new x509.CertificatePolicyExtension([...policies], false));
    const { notBefore, notAfter } = this.validity(req.validity, t.defaultValidityDays);
    return this.sign({ template: t.name, subject, publicKey: req.publicKey, notBefore, notAfter, extensions, reference: req.reference });
  }

  /** Issues a subordinate CA certificate (the root certifying the issuing CA). */
  async issueCaCertificate(p: {
    subject: SubjectName;
    publicKey: Uint8Array;
    days: number;
    pathLength?: number;
  }): Promise<IssuedCertificate> {
    subjectKeyKind(p.publicKey);
    const { notBefore, notAfter } = this.validity({ days: p.days }, p.days);
    return this.sign({
      template: 'subordinate-ca',
      subject: p.subject,
      publicKey: p.publicKey,
      notBefore,
      notAfter,
      extensions: [
        new x509.BasicConstraintsExtension(true, p.pathLength ?? 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
  }

  async revoke(serial: string, reason: RevocationReason, opts: { at?: Date; invalidityDate?: Date } = {}): Promise<CertificateInfo> {
    if (!(reason in REASON_CODE)) throw new CaError(CaErrorCode.InvalidRequest, `unknown revocation reason ${reason}`, {});
    const s = this.serialOf(serial);
    const change = { status: 'revoked' as const, reason, revokedAt: opts.at ?? this.now(), invalidityDate: opts.invalidityDate };
    const done = await this.store.updateStatus(this.id, s, ['valid', 'on-hold'], change);
    if (done) return this.info(done);
    const cur = await this.record(s);
    if (cur.status === 'revoked') {
      // Revocation is final; only a later key compromise is worth telling relying parties.
      if (reason === 'keyCompromise' && cur.reason !== 'keyCompromise') {
        const esc = await this.store.updateStatus(this.id, s, ['revoked'], { ...change, revokedAt: cur.revokedAt });
        if (esc) return this.info(esc);
      }
      return this.info(cur);
    }
    throw new CaError(CaErrorCode.InvalidState, `certificate ${s} changed concurrently; retry`, { serial: s });
  }

  async hold(serial: string, opts: { at?: Date } = {}): Promise<CertificateInfo> {
    const s = this.serialOf(serial);
    const done = await this.store.updateStatus(this.id, s, ['valid'], { status: 'on-hold', revokedAt: opts.at ?? this.now() });
    if (done) return this.info(done);
    const cur = await this.record(s);
    if (cur.status === 'on-hold') return this.info(cur);
    throw new CaError(CaErrorCode.InvalidState, `certificate ${s} is revoked and cannot be put on hold`, { serial: s, status: cur.status });
  }

  async release(serial: string): Promise<CertificateInfo> {
    const s = this.serialOf(serial);
    const done = await this.store.updateStatus(this.id, s, ['on-hold'], { status: 'valid' });
    if (done) return this.info(done);
    const cur = await this.record(s);
    throw new CaError(CaErrorCode.InvalidState, `certificate ${s} is not on hold (${cur.status})`, { serial: s, status: cur.status });
  }

  async get(serial: string): Promise<CertificateInfo> {
    return this.info(await this.record(this.serialOf(serial)));
  }

  async generateCrl(opts: { nextUpdate?: Date } = {}): Promise<CrlResult> {
    const thisUpdate = this.now();
    const nextUpdate = opts.nextUpdate ?? new Date(thisUpdate.getTime() + (this.config.crlValidityHours ?? 72) * 3_600_000);
    if (nextUpdate <= thisUpdate) throw new CaError(CaErrorCode.InvalidRequest, 'nextUpdate must be after thisUpdate', {});
    const crlNumber = await this.store.nextCrlNumber(this.id);
    // RFC 5280 allows dropping entries once the certificate has expired.
    const revoked = await this.store.listRevocations(this.id, thisUpdate);
    const entries: x509.X509CrlEntryParams[] = revoked
      .sort((a, b) => a.serial.localeCompare(b.serial))
      .map((r) => ({
        serialNumber: r.serial,
        revocationDate: r.revokedAt ?? thisUpdate,
        reason: r.status === 'on-hold' ? x509.X509CrlReason.certificateHold : r.reason && REASON_CODE[r.reason],
        invalidity: r.status === 'revoked' ? r.invalidityDate : undefined,
      }));
    const crl = await x509.X509CrlGenerator.create(
      {
        issuer: this.certificate.subjectName,
        thisUpdate,
        nextUpdate,
        entries,
        ...x509Signing(this.key),
        extensions: [
          new x509.AuthorityKeyIdentifierExtension(this.keyId(), false),
          new x509.Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(crlNumber))),
        ],
      },
      x509Crypto(this.hsm),
    );
    const rec: CrlRecord = {
      caId: this.id,
      crlNumber,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate ?? nextUpdate,
      der: Buffer.from(crl.rawData),
    };
    await this.store.saveCrl(rec);
    return crlResult(rec);
  }

  async latestCrl(): Promise<CrlResult | undefined> {
    const rec = await this.store.latestCrl(this.id);
    return rec && crlResult(rec);
  }

  async certificates(): Promise<CaCertificates> {
    return {
      caId: this.id,
      certificate: Buffer.from(this.certificate.rawData),
      chain: await chainOf(this.store, this.id),
      crlUrl: this.crlUrl,
      caIssuersUrl: this.caIssuersUrl,
    };
  }

  // ---- internals ----

  private async sign(p: {
    template: string;
    subject: SubjectName;
    publicKey: Uint8Array;
    notBefore: Date;
    notAfter: Date;
    extensions: x509.Extension[];
    reference?: Record<string, string>;
  }): Promise<IssuedCertificate> {
    const subject = subjectDn(p.subject);
    const common = [
      await x509.SubjectKeyIdentifierExtension.create(p.publicKey, false, x509Crypto(this.hsm)),
      new x509.AuthorityKeyIdentifierExtension(this.keyId(), false),
      new x509.CRLDistributionPointsExtension([this.crlUrl], false),
      new x509.AuthorityInfoAccessExtension({ caIssuers: [new x509.GeneralName('url', this.caIssuersUrl)] }, false),
    ];
    for (let attempt = 0; ; attempt++) {
      const serial = randomSerial();
      const cert = await x509.X509CertificateGenerator.create(
        {
          serialNumber: serial,
          subject,
          issuer: this.certificate.subjectName,
          notBefore: p.notBefore,
          notAfter: p.notAfter,
          publicKey: p.publicKey,
          ...x509Signing(this.key),
          extensions: [...p.extensions, ...common],
        },
        x509Crypto(this.hsm),
      );
      const rec: CertificateRecord = {
        caId: this.id,
        serial,
        template: p.template,
        subject: cert.subject,
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        der: Buffer.from(cert.rawData),
        status: 'valid',
        reference: p.reference,
      };
      try {
        await this.store.insertCertificate(rec);
      } catch (e) {
        // 128 random bits do not collide; a conflict means a store bug, so retry once and stop.
        if (e instanceof CaError && e.code === CaErrorCode.StoreConflict && attempt === 0) continue;
        throw e;
      }
      return issued(rec);
    }
  }

  private validity(v: IssueCertificateRequest['validity'], defaultDays: number): { notBefore: Date; notAfter: Date } {
    const now = this.now();
    // Back-dated for clock skew, but not before the CA itself (a CA minted minutes ago).
    const notBefore = v?.notBefore ?? new Date(Math.max(now.getTime() - CLOCK_SKEW_MS, this.certificate.notBefore.getTime()));
    let notAfter = v?.notAfter ?? new Date(now.getTime() + (v?.days ?? defaultDays) * DAY_MS);
    // A certificate never outlives the CA that signed it.
    if (notAfter > this.certificate.notAfter) notAfter = this.certificate.notAfter;
    if (notBefore < this.certificate.notBefore || notAfter <= notBefore) {
      throw new CaError(
        CaErrorCode.InvalidRequest,
        `validity ${notBefore.toISOString()}..${notAfter.toISOString()} is outside CA ${this.id}`,
        {},
      );
    }
    return { notBefore, notAfter };
  }

  private keyId(): string {
    const ski = this.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
    if (!ski) throw new CaError(CaErrorCode.NotConfigured, `the certificate of CA ${this.id} has no subject key identifier`, {});
    return ski.keyId;
  }

  private serialOf(serial: string): string {
    const s = normaliseSerial(serial);
    if (!s) throw new CaError(CaErrorCode.InvalidRequest, `"${serial}" is not a serial number`, {});
    return s;
  }

  private async record(serial: string): Promise<CertificateRecord> {
    const r = await this.store.getCertificate(this.id, serial);
    if (!r) throw new CaError(CaErrorCode.NotFound, `no certificate ${serial} issued by CA ${this.id}`, { serial, caId: this.id });
    return r;
  }

  private info(r: CertificateRecord): CertificateInfo {
    return { ...issued(r), status: r.status as CertificateStatus, reason: r.reason, revokedAt: r.revokedAt, reference: r.reference };
  }
}

/** The chain of a CA in the store: its certificate, then each parent up to the root (DER). */
export async function chainOf(store: CaStore, caId: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let id: string | undefined = caId;
  while (id) {
    const a = await store.getAuthority(id);
    if (!a) throw new CaError(CaErrorCode.NotConfigured, `CA ${id} is missing from the store`, { caId: id });
    out.push(a.der);
    if (out.length > 8) throw new CaError(CaErrorCode.NotConfigured, `the chain of CA ${caId} loops`, { caId });
    id = a.parentId;
  }
  return out;
}

/** Builds a Name from the SubjectName forms the port accepts. */
export function subjectDn(s: SubjectName): x509.Name {
  if (typeof s === 'string') return new x509.Name(s);
  const parts: Record<string, string[]>[] = [];
  if (s.country) parts.push({ C: [s.country] });
  if (s.organization) parts.push({ O: [s.organization] });
  for (const ou of s.organizationalUnit ?? []) parts.push({ OU: [ou] });
  parts.push({ CN: [s.commonName] });
  return new x509.Name(parts);
}

/** 'ec' or 'rsa' for a supported SubjectPublicKeyInfo (RSA 2048-4096, P-256, P-384). */
export function subjectKeyKind(spki: Uint8Array): 'ec' | 'rsa' {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (e) {
    throw new CaError(CaErrorCode.InvalidRequest, 'the public key is not a valid SubjectPublicKeyInfo', {}, { cause: e });
  }
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && [2048, 3072, 4096].includes(d.modulusLength ?? 0)) return 'rsa';
  if (key.asymmetricKeyType === 'ec' && (d.namedCurve === 'prime256v1' || d.namedCurve === 'secp384r1')) return 'ec';
  throw new CaError(
    CaErrorCode.InvalidRequest,
    `unsupported subject key ${key.asymmetricKeyType} ${d.modulusLength ?? d.namedCurve ?? ''}`,
    {},
  );
}

function issued(r: CertificateRecord): IssuedCertificate {
  return {
    caId: r.caId,
    serial: r.serial,
    template: r.template as IssuedCertificate['template'],
    subject: r.subject,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    der: r.der,
    pem: x509.PemConverter.encode(r.der, 'CERTIFICATE'),
  };
}

function crlResult(r: CrlRecord): CrlResult {
  return { ...r, pem: x509.PemConverter.encode(r.der, 'X509 CRL') };
}
