import {
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  publicEncrypt,
  randomBytes,
  constants,
  createHash,
  verify,
  X509Certificate,
} from 'node:crypto';

/** What a card signs with a slot to prove it holds the certified key: bound to request, card, slot and a fresh nonce. */
export function proofMessage(requestId: string, cardId: string, slot: string, nonce: Uint8Array): Buffer {
  return Buffer.from(`scm-card-proof-v1|${requestId}|${cardId}|${slot.toLowerCase()}|${Buffer.from(nonce).toString('hex')}`, 'utf8');
}

/** Whether `signature` (PKCS#1 v1.5 for RSA, DER ECDSA for EC; SHA-256) over `message` verifies with the certificate's key. */
export function verifyProof(certificateDer: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = new X509Certificate(Buffer.from(certificateDer)).publicKey;
  try {
    if (key.asymmetricKeyType === 'rsa') return verify('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    if (key.asymmetricKeyType === 'ec') return verify('sha256', message, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
  return false;
}

/**
 * A test of the key-management key: an RSA ciphertext of a random secret (PKCS#1 v1.5, what PIV
 * decryption undoes), or for EC an ephemeral public key to do ECDH with. Only the SHA-256 of the
 * expected answer is kept; the ephemeral private key is dropped at once.
 */
export function keyManagementChallenge(certificateDer: Uint8Array): { kind: 'rsa-decrypt' | 'ecdh'; input: Buffer; check: Buffer } {
  const key: KeyObject = new X509Certificate(Buffer.from(certificateDer)).publicKey;
  if (key.asymmetricKeyType === 'rsa') {
    const secret = randomBytes(32);
    const input = publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, secret);
    const check = createHash('sha256').update(secret).digest();
    secret.fill(0);
    return { kind: 'rsa-decrypt', input, check };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || !curve) throw new Error('the key-management certificate holds neither an RSA nor an EC key');
  const eph = generateKeyPairSync('ec', { namedCurve: curve });
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: key });
  const check = createHash('sha256').update(shared).digest();
  shared.fill(0);
  return { kind: 'ecdh', input: eph.publicKey.export({ format: 'der', type: 'spki' }), check };
}

/** Whether the card's answer to the key-management test is the expected one. */
export function keyManagementAnswerMatches(answer: Uint8Array, check: Uint8Array): boolean {
  return createHash('sha256').update(answer).digest().equals(Buffer.from(check));
}

/** The certificate's SubjectPublicKeyInfo, DER. */
export const certificateSpki = (der: Uint8Array): Buffer =>
  createPublicKey(new X509Certificate(Buffer.from(der)).publicKey).export({ format: 'der', type: 'spki' });
