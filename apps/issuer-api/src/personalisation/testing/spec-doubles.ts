import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificateInfo, IssueCertificateRequest, IssuedCertificate } from '@scm/ca';
import type { CaService } from '../../pki/ca.service';
import type { CertificateStatusAction } from '../../pki/certificate-status.service';
import type { InMemoryCertificateRepository } from '../../pki/in-memory-certificate.repository';
import type { Tx } from '../../platform/infra/unit-of-work';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/* Stand-ins for what personalisation specs cannot run: the HSM-backed CA and card secrets, and the worker channel. */

const ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A CA for specs: real certificates (any key), signed by its own P-256 key; each is also stored as the CA's store would. */
export class SpecCa {
  readonly issued: IssueCertificateRequest[] = [];
  private key: Promise<{ keys: webcrypto.CryptoKeyPair; der: Buffer }> | undefined;
  private n = 0;

  constructor(private readonly store: InMemoryCertificateRepository) {}

  private keys(): Promise<{ keys: webcrypto.CryptoKeyPair; der: Buffer }> {
    this.key ??= (async () => {
      const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const c = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '01',
        name: 'CN=Spec Issuing CA',
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2036-01-01T00:00:00Z'),
        keys,
        signingAlgorithm: ALG,
      });
      return { keys, der: Buffer.from(c.rawData) };
    })();
    return this.key;
  }

  /** The CA's own certificate, DER. */
  async certificate(): Promise<Buffer> {
    return (await this.keys()).der;
  }

  async issue(req: IssueCertificateRequest): Promise<IssuedCertificate> {
    const { keys } = await this.keys();
    const serial = (++this.n).toString(16).padStart(32, '0');
    const subject = `CN=${(typeof req.subject === 'object' ? req.subject.commonName : req.subject) ?? req.identity.cardUuid}`;
    const notBefore = new Date('2026-12-01T00:00:00Z');
    const notAfter = req.validity?.notAfter ?? new Date('2027-12-01T00:00:00Z');
    const c = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject,
      issuer: 'CN=Spec Issuing CA',
      notBefore,
      notAfter,
      publicKey: new Uint8Array(req.publicKey),
      signingKey: keys.privateKey,
      signingAlgorithm: ALG,
    });
    const der = Buffer.from(c.rawData);
    this.issued.push(req);
    this.store.seed({ serial, der, subject, notBefore, notAfter, template: req.template, reference: req.reference ?? null });
    return { caId: 'scm-issuing', serial, template: req.template, subject, notBefore, notAfter, der, pem: c.toString('pem') };
  }

  /** The CaService the domain services see. */
  service(): CaService {
    return {
      issuingId: 'scm-issuing',
      ca: async () => this,
      inTx: (_tx: unknown, fn: () => Promise<unknown>) => fn(),
      issuingCertificate: () => this.certificate(),
    } as unknown as CaService;
  }
}

/** Records certificate status changes and applies them to the in-memory store (the CA itself is tested on SoftHSM2). */
export class RecordingStatuses {
  readonly applied: Array<{ serial: string; change: CertificateStatusAction; comment?: string }> = [];

  constructor(private readonly store: InMemoryCertificateRepository) {}

  async apply(_tx: Tx, serial: string, change: CertificateStatusAction, comment?: string): Promise<CertificateInfo> {
    this.applied.push({ serial, change, ...(comment ? { comment } : {}) });
    const c = this.store.rows.find((x) => x.serial === serial);
    if (c) c.status = change.action === 'revoke' ? 'revoked' : change.action === 'hold' ? 'on-hold' : 'valid';
    return {} as CertificateInfo;
  }
}

/** The HSM side of card secrets, in clear for specs: a "sealed" PUK is the PUK behind a marker. */
export class SpecCardSecrets {
  readonly pukKeyLabel = 'scm-puk/1';
  readonly exported: Buffer[] = [];

  async sealPuk(puk: Uint8Array, cardId: string): Promise<Buffer> {
    return Buffer.concat([Buffer.from(`sealed:${cardId}:`), Buffer.from(puk)]);
  }

  async openPuk(sealed: Uint8Array, cardId: string): Promise<Buffer> {
    const marker = Buffer.from(`sealed:${cardId}:`);
    if (!Buffer.from(sealed).subarray(0, marker.length).equals(marker)) throw new Error('sealed for another card');
    return Buffer.from(sealed).subarray(marker.length);
  }

  async cryptograms(): Promise<{ witness: Buffer; challenge: Buffer; expected: Buffer }> {
    return { witness: Buffer.alloc(16, 1), challenge: Buffer.alloc(16, 2), expected: Buffer.alloc(16, 3) };
  }

  async managementKeyForCard(): Promise<Buffer> {
    const key = Buffer.alloc(32, 0x6b);
    this.exported.push(key);
    return key;
  }
}

/** Messages sent to workers over their channel. */
export class RecordingChannel {
  readonly sent: Array<{ workerId: string; message: Record<string, unknown> }> = [];
  readonly disconnected: Array<{ workerId: string; reason: string }> = [];
  send(workerId: string, message: Record<string, unknown>): boolean {
    this.sent.push({ workerId, message });
    return true;
  }
  connected(): Set<string> {
    return new Set();
  }
  disconnect(workerId: string, reason: string): void {
    this.disconnected.push({ workerId, reason });
  }
}
