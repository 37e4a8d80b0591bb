import { generateKeyPairSync, privateDecrypt, publicEncrypt, constants, createHash, sign } from 'node:crypto';
import { parseTlvs, toHex } from '@scm/apdu';
import { ALGORITHM } from './piv.constants';
import { algorithmOfKey, decodePublicKey, encodeImportKey, pkcs1v15SignatureBlock, unpadPkcs1v15Encryption } from './piv-keys';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('PIV key encodings', () => {
  it('RSA import data: 01..05 CRT parts, each 128 bytes for RSA-2048 (655 bytes in all)', () => {
    const { algorithm, data } = encodeImportKey(rsa.privateKey);
    expect(algorithm).toBe(ALGORITHM.RSA2048);
    expect(data.length).toBe(655);
    expect(parseTlvs(data).map((t) => [t.tag, t.value.length])).toEqual([1, 2, 3, 4, 5].map((t) => [t, 128]));
  });

  it('EC import data: 06 scalar padded to the field size', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    const { algorithm, data } = encodeImportKey(p384);
    expect(algorithm).toBe(ALGORITHM.ECCP384);
    expect(toHex(data.subarray(0, 2))).toBe('0630');
  });

  it('refuses keys the card cannot hold', () => {
    expect(() => encodeImportKey(rsa.publicKey)).toThrow('private key');
    expect(() => algorithmOfKey(generateKeyPairSync('ed25519').privateKey)).toThrow('unsupported key');
    const e3 = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }).privateKey;
    expect(() => encodeImportKey(e3)).toThrow('65537');
  });

  it('decodes 7F49 public keys into node keys', () => {
    const jwk = rsa.publicKey.export({ format: 'jwk' });
    const n = Buffer.from(jwk.n!, 'base64url');
    const content = Buffer.concat([Buffer.from('81820100', 'hex'), n, Buffer.from('8203010001', 'hex')]);
    const k = decodePublicKey(ALGORITHM.RSA2048, content);
    expect(Buffer.from(k.spki)).toEqual(rsa.publicKey.export({ type: 'spki', format: 'der' }));
    expect(() => decodePublicKey(ALGORITHM.ECCP256, Buffer.from('860104', 'hex'))).toThrow('unusable P-256 public key');
    // Malformed TLV is a bad object too, not a bare TlvError (fuzz/corpus/piv-objects).
    for (const hex of ['8600', '8682ffff04', '860104aa00', '8101', '9f00'])
      expect(() => decodePublicKey(ALGORITHM.ECCP256, Buffer.from(hex, 'hex'))).toThrow(
        expect.objectContaining({ code: 'piv.bad-object' }),
      );
  });

  it('PKCS#1 v1.5 signature block equals what node signs (raw RSA of the block)', () => {
    const msg = Buffer.from('abc');
    const block = pkcs1v15SignatureBlock(createHash('sha256').update(msg).digest(), 'sha256', 256);
    // The raw RSA public operation on node's signature gives back the padded block.
    const back = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_NO_PADDING }, sign('sha256', msg, rsa.privateKey));
    expect(Buffer.from(block)).toEqual(back);
    expect(() => pkcs1v15SignatureBlock(new Uint8Array(31), 'sha256', 256)).toThrow('32 bytes');
  });

  it('removes PKCS#1 v1.5 encryption padding, refuses a broken block', () => {
    const ct = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('secret'));
    const block = privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_NO_PADDING }, ct);
    expect(Buffer.from(unpadPkcs1v15Encryption(block)).toString()).toBe('secret');
    block[1] = 1;
    expect(() => unpadPkcs1v15Encryption(block)).toThrow('padding');
  });
});
