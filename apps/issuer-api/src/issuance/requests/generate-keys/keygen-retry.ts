import { CaError, CaErrorCode } from '@scm/ca';
import { VscError, VscErrorCode } from '@scm/vsc';

/** Errors a retry cannot fix: the request fails at once instead of after every attempt. */
export function isPermanent(e: unknown): boolean {
  // A missing HSM key is set-up work (scm vsc init-keys), not a bad request: keep retrying.
  if (e instanceof VscError) return e.code !== VscErrorCode.UnknownKey;
  if (e instanceof CaError) return e.code === CaErrorCode.InvalidRequest || e.code === CaErrorCode.GuidMismatch;
  return false;
}

/** An HSM error: the opened keys may be stale (a token reset, a lost session), so they are opened again. */
export const isHsmError = (e: unknown): boolean => (e as { code?: unknown }).code?.toString().startsWith('hsm.') ?? false;
