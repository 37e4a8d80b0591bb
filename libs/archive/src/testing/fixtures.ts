import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import { createHash, createPrivateKey, createSign, generateKeyPairSync, sign as nodeSign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { checkpointMessage, type Checkpoint } from '@scm/audit';
import { MemoryKeyProtector, VirtualSmartCard, type VscDeps, type VscKeyProtector } from '@scm/vsc';
import type { ArchiveSigner, ArchiveSource, CheckpointProvider, PendingVersion, VolumeRecord } from '../seal/archive-ports';
import type { ManifestEntry } from '../format/manifest.codec';
import { vscPath } from '../volume/layout';

/*
 * Fixtures of the archive's unit tests and benchmarks: realistic sealed VSC content files
 * (memory key protector), a software archive signer with a two-level chain, an in-memory source.
 * Nothing here is used outside tests and benchmarks: the keys are made up on the spot.
 */

type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
const crypto = webcrypto as unknown as X509Crypto;
const subtle = webcrypto.subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A memory key protector with random keys (the default VSC key labels). */
export function randomProtector(): MemoryKeyProtector {
  return new MemoryKeyProtector(webcrypto.getRandomValues(Buffer.alloc(32)), webcrypto.getRandomValues(Buffer.alloc(32)));
}

async function selfSignedCa(name: string): Promise<{ cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair }> {
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name,
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 3650 * 86_400_000),
      keys: keys as never,
      signingAlgorithm: EC,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      ],
    },
    crypto,
  );
  return { cert, keys };
}

async function issue(
  ca: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair },
  name: string,
  publicKey: webcrypto.CryptoKey,
  extensions: x509.Extension[],
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: createHash('sha256').update(name).digest('hex').slice(0, 16),
      subject: name,
      issuer: ca.cert.subject,
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 3650 * 86_400_000),
      publicKey: publicKey as never,
      signingKey: ca.keys.privateKey as never,
      signingAlgorithm: EC,
      extensions,
    },
    crypto,
  );
}

/** A software archive signer: P-256 key, certificate (document signing) under a test root, and the root. */
export async function softwareSigner(name = 'Test'): Promise<ArchiveSigner & { root: Buffer }> {
  const root = await selfSignedCa(`CN=${name} Root CA`);
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await issue(root, `CN=${name} Archive Signer`, keys.publicKey, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.36'], false),
  ]);
  const key = createPrivateKey({ key: Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey)), format: 'der', type: 'pkcs8' });
  return {
    keyLabel: 'test-archive/1',
    algorithm: 'ECDSA-SHA256',
    certificates: [Buffer.from(cert.rawData), Buffer.from(root.cert.rawData)],
    root: Buffer.from(root.cert.rawData),
    sign: async (data) => nodeSign('sha256', data, key),
    startSignature: () => {
      const s = createSign('sha256');
      return { update: (part) => void s.update(part), sign: async () => s.sign(key) };
    },
  };
}

/** A checkpoint provider signing `head` with a fresh P-256 key, as libs/audit does. */
export function softwareCheckpoint(head: { seq: number; hash: string } = { seq: 42, hash: 'ab'.repeat(32) }): CheckpointProvider {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return async (): Promise<Checkpoint> => {
    const signedAt = new Date().toISOString();
    return {
      seq: head.seq,
      headHash: head.hash,
      signedAt,
      keyLabel: 'test-checkpoint/1',
      algorithm: 'ECDSA-SHA256',
      publicKey: publicKey.export({ type: 'spki', format: 'der' }),
      signature: nodeSign('sha256', checkpointMessage(head.seq, head.hash, signedAt), { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    };
  };
}

export interface SampleVsc {
  vscId: string;
  version: number;
  serial: string;
  content: Buffer;
  sha256: Buffer;
}

/** The objects every sample VSC holds: keys and certificates as the default card profile makes them. */
export interface SampleMaterial {
  publicKeys: Array<{ slot: number; spki: Buffer }>;
  escrowKey: { slot: number; key: KeyObject };
  certificates: Array<{ slot: number; der: Buffer }>;
}

/** The cardholder's UPN in the subject alternative name of the sample 9A certificate, as the PIV authentication template puts it. */
export const SAMPLE_UPN = 'sample.cardholder@corp.example';

/**
 * Key material shared by sample VSCs (generating RSA keys per VSC would dominate a benchmark):
 * 9A, 9C, 9E public keys (generated on the card), an escrowed RSA-2048 9D key, a certificate per slot.
 */
export async function sampleMaterial(): Promise<SampleMaterial> {
  const ca = await selfSignedCa('CN=Sample Issuing CA');
  const certificates: SampleMaterial['certificates'] = [];
  const publicKeys: SampleMaterial['publicKeys'] = [];
  for (const slot of [0x9a, 0x9c, 0x9e]) {
    const k = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const spki = Buffer.from(await subtle.exportKey('spki', k.publicKey));
    publicKeys.push({ slot, spki });
    const cert = await issue(ca, `CN=Sample Cardholder ${slot.toString(16)}, O=SCM`, k.publicKey, [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      ...(slot === 0x9a ? [new x509.SubjectAlternativeNameExtension([{ type: 'upn', value: SAMPLE_UPN }])] : []),
    ]);
    certificates.push({ slot, der: Buffer.from(cert.rawData) });
  }
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPublic = await subtle.importKey(
    'spki',
    rsa.publicKey.export({ type: 'spki', format: 'der' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    true,
    ['verify'],
  );
  const cert9d = await issue(ca, 'CN=Sample Cardholder 9d, O=SCM', rsaPublic, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment, true),
  ]);
  certificates.push({ slot: 0x9d, der: Buffer.from(cert9d.rawData) });
  return { publicKeys, escrowKey: { slot: 0x9d, key: rsa.privateKey }, certificates };
}

/** A sealed escrow VSC content file (version 1) with the sample material, under `protector`. */
export async function sampleVsc(material: SampleMaterial, protector: VscKeyProtector, serial: string): Promise<SampleVsc> {
  const deps: VscDeps = { protector };
  const vsc = await VirtualSmartCard.create({ serial, kind: 'escrow' }, deps);
  for (const p of material.publicKeys) vsc.putPublicKey(p.slot, p.spki);
  vsc.importKey(material.escrowKey.slot, material.escrowKey.key, { escrow: 'escrow' });
  for (const c of material.certificates) vsc.putCertificate(c.der, { slot: c.slot });
  vsc.putData({ name: 'printed information', area: 'private', value: Buffer.from(`Cardholder ${serial}`), cardTag: 0x5fc109 });
  const content = await vsc.seal();
  vsc.close();
  return { vscId: vsc.id, version: 1, serial, content, sha256: createHash('sha256').update(content).digest() };
}

/** An ArchiveSource in memory: the escrow is a list, volumes are kept as recorded (with their entries). */
export class MemoryArchiveSource implements ArchiveSource {
  readonly volumes: Array<VolumeRecord & { entryList: ManifestEntry[] }> = [];
  readonly escrow: SampleVsc[] = [];
  private readonly archived = new Set<string>();
  private byKey: Map<string, SampleVsc> | undefined;

  add(...v: SampleVsc[]): void {
    for (const x of v) this.escrow.push(x);
    this.byKey = undefined;
  }

  async lock(): Promise<void> {}

  async lastVolume(): Promise<{ volume: number; imageSha256: string } | null> {
    const v = this.volumes[this.volumes.length - 1];
    return v ? { volume: v.volume, imageSha256: v.imageSha256 } : null;
  }

  async *pendingVersions(batch: number): AsyncGenerator<PendingVersion[]> {
    const pending = this.escrow
      .filter((v) => !this.archived.has(`${v.vscId}/${v.version}`))
      .map((v) => ({ vscId: v.vscId, version: v.version, cardSerial: v.serial, sha256: v.sha256 }))
      .sort((a, b) => pathOrder(vscPath(a.vscId, a.version), vscPath(b.vscId, b.version)));
    for (let i = 0; i < pending.length; i += batch) yield pending.slice(i, i + batch);
  }

  async contents(versions: readonly PendingVersion[]): Promise<Buffer[]> {
    // Looked up at call time: a test may change an escrowed copy's content after adding it.
    this.byKey ??= new Map(this.escrow.map((v) => [`${v.vscId}/${v.version}`, v]));
    return versions.map((p) => this.byKey!.get(`${p.vscId}/${p.version}`)!.content);
  }

  async recordVolume(
    v: VolumeRecord,
    entries: AsyncIterable<readonly ManifestEntry[]> | Iterable<readonly ManifestEntry[]>,
  ): Promise<void> {
    const entryList: ManifestEntry[] = [];
    for await (const batch of entries) entryList.push(...batch);
    this.volumes.push({ ...v, entryList });
    for (const e of entryList) this.archived.add(`${e.vscId}/${e.version}`);
  }
}

const pathOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
