import { hash, verify, type Options } from '@node-rs/argon2';

/** Argon2id, 64 MiB, t=3 (RFC 9106's second recommended option, memory-constrained). */
const OPTIONS: Options = { algorithm: 2 /* Argon2id */, memoryCost: 65536, timeCost: 3, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

let dummy: Promise<string> | undefined;

/**
 * Verifies against the stored hash, or against a dummy hash when the user does not exist, so an
 * unknown user costs the same time as a wrong password.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hash('scm-dummy-password-for-timing', OPTIONS);
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** Minimal password policy: long enough, not trivially repetitive. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < 12) return 'must be at least 12 characters';
  if (password.length > 256) return 'must be at most 256 characters';
  if (new Set(password).size < 5) return 'must use at least 5 different characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the username';
  return null;
}
