/*
 * pkcs11js runs the callback forms of its calls (C_Sign(…, cb), C_Verify, C_Encrypt, C_Decrypt,
 * C_Digest, C_WrapKey, C_UnwrapKey, …) on a libuv worker thread, holding raw pointers into the
 * caller's buffers; it keeps only the callback alive. graphene hands it a fresh copy of the input
 * (`Buffer.from(data)`) that nothing else references. When the call waits for a thread (the pool
 * is busy with key generation, Argon2, file I/O) and a garbage collection runs meanwhile, that
 * input is freed and the HSM computes over whatever reuses the memory: a VSC seal MAC that did
 * not verify under load, and, the same way, a wrong signature or ciphertext. Found with
 * test/hsm/hsm-async-buffers.test.ts, which fails without this.
 */

const RETAINED = Symbol.for('scm.pkcs11.retained-arguments');

/** Arguments of calls handed to a worker thread and not yet called back. */
const inFlight = new Set<unknown[]>();

/** How many asynchronous PKCS#11 calls are running (their arguments held here). */
export function pkcs11CallsInFlight(): number {
  return inFlight.size;
}

/**
 * Wraps every `C_*Callback` method of a pkcs11js instance so that all its arguments stay
 * reachable until the callback runs. Idempotent.
 */
export function retainArgumentsOfAsyncCalls(lib: object): void {
  const target = lib as Record<string | symbol, unknown>;
  if (target[RETAINED]) return;
  for (const name of Object.keys(target)) {
    const original = target[name];
    if (!/^C_\w+Callback$/.test(name) || typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const at = lastFunctionIndex(args);
      if (at < 0) return (original as (...a: unknown[]) => unknown).apply(this, args);
      const callback = args[at] as (...r: unknown[]) => unknown;
      const held = [...args];
      inFlight.add(held);
      args[at] = function (this: unknown, ...result: unknown[]) {
        inFlight.delete(held);
        return callback.apply(this, result);
      };
      try {
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } catch (e) {
        // Refused before a thread took it: the callback will never run.
        inFlight.delete(held);
        throw e;
      }
    };
  }
  Object.defineProperty(target, RETAINED, { value: true });
}

function lastFunctionIndex(args: unknown[]): number {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return i;
  return -1;
}
