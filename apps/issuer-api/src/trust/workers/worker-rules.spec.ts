import { generateKeyPairSync, sign } from 'node:crypto';
import { workerAuthMessage } from '@scm/common';
import { WorkerErrorCode } from './worker-errors';
import { challengeSignatureValid, enrollmentTokenProblem, fingerprintMatches, publicKeyDer } from './worker-rules';
import type { CardWorker, EnrollmentToken } from './worker.repository';

const spki = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) => k.export({ format: 'der', type: 'spki' });

describe('worker rules', () => {
  const ed = generateKeyPairSync('ed25519');
  const x = generateKeyPairSync('x25519');

  it('accepts keys of the right type and refuses others as BadKey', () => {
    expect(publicKeyDer(spki(ed.publicKey).toString('base64'), 'ed25519').equals(spki(ed.publicKey))).toBe(true);
    expect(() => publicKeyDer(spki(x.publicKey).toString('base64'), 'ed25519')).toThrow(
      expect.objectContaining({ code: WorkerErrorCode.BadKey, message: expect.stringMatching(/expected ed25519, got x25519/) }),
    );
    expect(() => publicKeyDer('AAAA', 'x25519')).toThrow(expect.objectContaining({ code: WorkerErrorCode.BadKey }));
  });

  it('admits a worker with an unused, unexpired token only', () => {
    const now = new Date('2026-12-01T09:00:00Z');
    const t: EnrollmentToken = {
      id: 't1',
      tokenHash: Buffer.alloc(32),
      workstation: null,
      createdBy: 'user:x',
      createdAt: now,
      expiresAt: new Date('2026-12-01T10:00:00Z'),
      usedAt: null,
      workerId: null,
    };
    expect(enrollmentTokenProblem(t, now)).toBeNull();
    expect(enrollmentTokenProblem(undefined, now)).toBe('unknown-token');
    expect(enrollmentTokenProblem({ ...t, usedAt: now }, now)).toBe('token-already-used');
    expect(enrollmentTokenProblem({ ...t, expiresAt: now }, now)).toBe('token-expired');
  });

  it('compares fingerprints without dashes and case', () => {
    const w = { fingerprint: 'ABCD-EF01' } as CardWorker;
    expect(fingerprintMatches(w, 'abcdef01')).toBe(true);
    expect(fingerprintMatches(w, 'ABCD-EF02')).toBe(false);
    expect(fingerprintMatches(w, undefined)).toBe(false);
  });

  it('checks a challenge signature against the registered key and the worker id', () => {
    const w = { id: 'w1', signKey: spki(ed.publicKey) } as CardWorker;
    const nonce = 'ab'.repeat(32);
    const sig = sign(null, workerAuthMessage('w1', nonce), ed.privateKey).toString('base64');
    expect(challengeSignatureValid(w, nonce, sig)).toBe(true);
    expect(challengeSignatureValid(w, 'cd'.repeat(32), sig)).toBe(false);
    expect(challengeSignatureValid({ ...w, id: 'w2' }, nonce, sig)).toBe(false);
  });
});
