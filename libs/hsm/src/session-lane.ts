import type { Session } from 'graphene-pk11';
import { Crypto as P11Crypto } from 'node-webcrypto-p11';

/**
 * One PKCS#11 session and the node-webcrypto-p11 provider over it, used by one operation at a
 * time. A PKCS#11 session holds a single active operation: a second C_SignInit while pkcs11js
 * runs C_Sign on a worker thread fails with CKR_OPERATION_ACTIVE (seen on this machine), so
 * every use of the session is queued here.
 */
export class SessionLane {
  readonly p11: P11Crypto;
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    readonly session: Session,
    /** Which of its context's sessions this is (0-based), for logs that must say which session computed what. */
    readonly index = 0,
  ) {
    this.p11 = new P11Crypto({ session });
  }

  /** Operations queued or running on this lane. */
  get load(): number {
    return this.pending;
  }

  /** Runs fn with the session to itself; resolves with its result. */
  run<T>(fn: (session: Session, p11: P11Crypto) => Promise<T> | T): Promise<T> {
    this.pending++;
    const result = this.tail.then(() => fn(this.session, this.p11));
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.pending--;
    });
  }
}
