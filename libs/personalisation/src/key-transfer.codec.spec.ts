import { generateKeyPairSync } from 'node:crypto';
import { KEY_TRANSFER_ALG, type KeyTransferHeader, unwrapAsWorker, wrapForWorker } from './key-transfer.codec';

describe('key transfer to a worker (X25519 + HKDF-SHA-256 + AES-256-GCM)', () => {
  const worker = generateKeyPairSync('x25519');
  const spki = worker.publicKey.export({ format: 'der', type: 'spki' });
  const header: KeyTransferHeader = { v: 1, alg: KEY_TRANSFER_ALG, requestId: 'r-1', workerId: 'w-1', vscId: 'v-1', vscVersion: 1 };
  const material = () => ({
    keys: [{ slot: '9d', algorithm: 'rsa2048', pkcs8: Buffer.from('private key bytes') }],
    puk: Buffer.from('12345678'),
  });

  it('round-trips for the worker it was made for', () => {
    const w = wrapForWorker(material(), spki, header);
    const m = unwrapAsWorker(w, worker.privateKey, { requestId: 'r-1', workerId: 'w-1' });
    expect(m.keys[0]).toEqual({ slot: '9d', algorithm: 'rsa2048', pkcs8: Buffer.from('private key bytes') });
    expect(m.puk).toEqual(Buffer.from('12345678'));
  });

  it('carries nothing readable in clear', () => {
    const w = JSON.stringify(wrapForWorker(material(), spki, header));
    expect(w).not.toContain('private key bytes');
    expect(w).not.toContain(Buffer.from('private key bytes').toString('base64'));
    expect(w).not.toContain('12345678');
  });

  it('is opened by nobody else and detects a changed header or ciphertext', () => {
    const w = wrapForWorker(material(), spki, header);
    const other = generateKeyPairSync('x25519');
    expect(() => unwrapAsWorker(w, other.privateKey, { requestId: 'r-1', workerId: 'w-1' })).toThrow();
    expect(() => unwrapAsWorker(w, worker.privateKey, { requestId: 'r-2', workerId: 'w-1' })).toThrow(/another request or worker/);
    expect(() =>
      unwrapAsWorker({ ...w, header: { ...header, vscVersion: 2 } }, worker.privateKey, { requestId: 'r-1', workerId: 'w-1' }),
    ).toThrow();
    const ct = Buffer.from(w.ciphertext, 'base64');
    ct[0] ^= 1;
    expect(() =>
      unwrapAsWorker({ ...w, ciphertext: ct.toString('base64') }, worker.privateKey, { requestId: 'r-1', workerId: 'w-1' }),
    ).toThrow();
  });

  it('refuses a key that is not X25519', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
    expect(() => wrapForWorker(material(), ed, header)).toThrow(/not X25519/);
  });
});
