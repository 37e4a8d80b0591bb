import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { workerAuthMessage, workerFingerprint } from '@scm/common';

/** The worker's two key pairs, kept in one file readable by the worker only (0600). */
export class WorkerIdentity {
  private constructor(
    private readonly signKey: KeyObject,
    /** X25519: key material sent to this worker is wrapped to this key. */
    readonly kexKey: KeyObject,
  ) {}

  static loadOrCreate(file: string): WorkerIdentity {
    try {
      const j = JSON.parse(readFileSync(file, 'utf8')) as { sign: string; kex: string };
      return new WorkerIdentity(createPrivateKey(j.sign), createPrivateKey(j.kex));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`cannot read the worker key file ${file}: ${(e as Error).message}`);
    }
    const s = generateKeyPairSync('ed25519');
    const k = generateKeyPairSync('x25519');
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const pem = (x: KeyObject) => x.export({ format: 'pem', type: 'pkcs8' }).toString();
    writeFileSync(file, JSON.stringify({ sign: pem(s.privateKey), kex: pem(k.privateKey) }), { mode: 0o600 });
    chmodSync(file, 0o600);
    return new WorkerIdentity(s.privateKey, k.privateKey);
  }

  signSpki(): Buffer {
    return createPublicKey(this.signKey).export({ format: 'der', type: 'spki' });
  }

  kexSpki(): Buffer {
    return createPublicKey(this.kexKey).export({ format: 'der', type: 'spki' });
  }

  get fingerprint(): string {
    return workerFingerprint(this.signSpki(), this.kexSpki());
  }

  signChallenge(workerId: string, nonceHex: string): string {
    return sign(null, workerAuthMessage(workerId, nonceHex), this.signKey).toString('base64');
  }
}
