import { generateKeyPairSync, sign } from 'node:crypto';
import {
  KEY_TRANSFER_ALG,
  type KeyPackageExpectation,
  KeyPackageRefusedError,
  type KeyTransferHeader,
  packageSigningInput,
  unwrapAsWorker,
  type WrappedKeyMaterial,
  wrapForWorker,
} from './key-transfer.codec';

describe('key packages to a worker (X25519 + HKDF-SHA-256 + AES-256-GCM, signed by the API)', () => {
  const worker = generateKeyPairSync('x25519');
  const api = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = worker.publicKey.export({ format: 'der', type: 'spki' });
  const now = new Date('2026-12-01T09:00:00Z');
  const header: KeyTransferHeader = {
    v: 2,
    alg: KEY_TRANSFER_ALG,
    requestId: 'r-1',
    workerId: 'w-1',
    vscId: 'v-1',
    vscVersion: 1,
    purpose: 'key-material',
    cardSerial: '1741558770',
    expiresAt: '2026-12-01T09:05:00.000Z',
  };
  const expecting = (over: Partial<KeyPackageExpectation> = {}): KeyPackageExpectation => ({
    requestId: 'r-1',
    workerId: 'w-1',
    cardSerial: '1741558770',
    purpose: 'key-material',
    apiKey: api.publicKey,
    now,
    ...over,
  });
  const material = () => ({
    keys: [{ slot: '9d', algorithm: 'rsa2048', pkcs8: Buffer.from('private key bytes') }],
    puk: Buffer.from('12345678'),
  });
  const signed = (w: WrappedKeyMaterial, key = api.privateKey): WrappedKeyMaterial => ({
    ...w,
    signature: sign('sha256', packageSigningInput(w), key).toString('base64'),
  });
  const pkg = (h: KeyTransferHeader = header) => signed(wrapForWorker(material(), spki, h));
  const refusal = (w: WrappedKeyMaterial, e: KeyPackageExpectation) => {
    try {
      unwrapAsWorker(w, worker.privateKey, e);
    } catch (err) {
      return err instanceof KeyPackageRefusedError ? err.reason : 'tag';
    }
    return 'opened';
  };

  it('round-trips for the worker, request, card and purpose it was made for, before it expires', () => {
    const m = unwrapAsWorker(pkg(), worker.privateKey, expecting());
    expect(m.keys[0]).toEqual({ slot: '9d', algorithm: 'rsa2048', pkcs8: Buffer.from('private key bytes') });
    expect(m.puk).toEqual(Buffer.from('12345678'));
  });

  it('carries nothing readable in clear', () => {
    const w = JSON.stringify(pkg());
    expect(w).not.toContain('private key bytes');
    expect(w).not.toContain(Buffer.from('private key bytes').toString('base64'));
    expect(w).not.toContain('12345678');
  });

  it('is refused for another card, another purpose, another request or worker, and after it expired', () => {
    expect(refusal(pkg(), expecting({ cardSerial: '1741558771' }))).toBe('card');
    expect(refusal(pkg(), expecting({ purpose: 'management-key' }))).toBe('purpose');
    expect(refusal(pkg(), expecting({ requestId: 'r-2' }))).toBe('recipient');
    expect(refusal(pkg(), expecting({ workerId: 'w-2' }))).toBe('recipient');
    expect(refusal(pkg(), expecting({ now: new Date('2026-12-01T09:05:00Z') }))).toBe('expired');
  });

  it('is refused unsigned, signed by another key, or with any signed field changed (a replay re-addressed to another card)', () => {
    const { signature: _, ...unsigned } = pkg();
    expect(refusal(unsigned, expecting())).toBe('signature');
    expect(refusal(pkg(), expecting({ apiKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey }))).toBe('signature');
    const w = pkg();
    const moved = { ...w, header: { ...w.header, cardSerial: '99' } };
    expect(refusal(moved, expecting({ cardSerial: '99' }))).toBe('signature');
    const later = { ...w, header: { ...w.header, expiresAt: '2027-01-01T00:00:00.000Z' } };
    expect(refusal(later, expecting())).toBe('signature');
    // Re-signed by someone else's key after the change: still refused, and the AEAD would refuse it too.
    expect(refusal(signed(moved, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), expecting({ cardSerial: '99' }))).toBe(
      'signature',
    );
  });

  it('is opened by nobody else and detects a changed ciphertext', () => {
    const w = pkg();
    const other = generateKeyPairSync('x25519');
    expect(() => unwrapAsWorker(w, other.privateKey, expecting())).toThrow();
    const ct = Buffer.from(w.ciphertext, 'base64');
    ct[0] ^= 1;
    expect(refusal({ ...w, ciphertext: ct.toString('base64') }, expecting())).toBe('signature');
    expect(refusal(signed({ ...w, ciphertext: ct.toString('base64') }), expecting())).toBe('tag');
  });

  it('refuses a key that is not X25519', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
    expect(() => wrapForWorker(material(), ed, header)).toThrow(/not X25519/);
  });
});
