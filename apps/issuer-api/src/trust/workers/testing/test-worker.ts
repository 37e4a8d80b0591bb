import { generateKeyPairSync, sign } from 'node:crypto';
import { workerAuthMessage } from '@scm/common';

/** A worker's key pairs as a spec holds them: public keys as registered, and a signer of challenges. */
export function testWorkerKeys() {
  const s = generateKeyPairSync('ed25519');
  const k = generateKeyPairSync('x25519');
  return {
    signPublicKey: s.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    kexPublicKey: k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    signDer: s.publicKey.export({ format: 'der', type: 'spki' }),
    kexDer: k.publicKey.export({ format: 'der', type: 'spki' }),
    sign: (workerId: string, nonceHex: string) => sign(null, workerAuthMessage(workerId, nonceHex), s.privateKey).toString('base64'),
  };
}

/** The channel as use cases see it, recording what they asked of it. */
export class RecordingConnections {
  readonly online = new Set<string>();
  readonly cut: Array<{ workerId: string; reason: string }> = [];
  connected(): Set<string> {
    return new Set(this.online);
  }
  disconnect(workerId: string, reason: string): void {
    this.online.delete(workerId);
    this.cut.push({ workerId, reason });
  }
}
