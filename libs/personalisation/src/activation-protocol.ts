import { join } from 'node:path';

/**
 * The workstation's local activation channel: `scm activate --card SERIAL` (the keyboard side) and
 * the card worker of the same workstation talk over a UNIX socket in the worker's state directory
 * (mode 0600, directory 0700), one JSON object per line. The PIN travels only from the terminal to
 * this socket, then from the worker to the card: never to the API, Redis or a log.
 *
 *   client → worker  { op: 'activate', serial }
 *   worker → client  { type: 'ready', sessionId, pin: { minLength, maxLength } }   (or an error)
 *   client → worker  { op: 'pin', pin }
 *   worker → client  { type: 'done', cardId, state: 'active' }   or   { type: 'error', code, message, retry }
 */
export type ActivationClientMessage = { op: 'activate'; serial: string } | { op: 'pin'; pin: string } | { op: 'cancel' };

export type ActivationWorkerMessage =
  | { type: 'ready'; sessionId: string; serial: string; pin: { minLength: number; maxLength: number } }
  | { type: 'progress'; message: string }
  | { type: 'done'; cardId: string; serial: string; state: string }
  | { type: 'error'; code: string; message: string; retry: boolean };

/** The socket of workstation `ws` under the state directory. */
export const activationSocketPath = (stateDir: string, ws: number): string => join(stateDir, 'worker', `ws${ws}.activation.sock`);

/** A PIN a PIV card accepts and the profile allows: digits only (OpenSC's pinpad rule), minLength..maxLength. */
export function pinProblem(pin: string, policy: { minLength: number; maxLength: number }): string | undefined {
  if (!/^[0-9]+$/.test(pin)) return 'a PIN is digits only';
  if (pin.length < policy.minLength || pin.length > policy.maxLength) return `a PIN has ${policy.minLength} to ${policy.maxLength} digits`;
  if (/^(\d)\1+$/.test(pin)) return 'a PIN of one repeated digit is refused';
  if ('01234567890'.includes(pin) || '98765432109'.includes(pin)) return 'a PIN of consecutive digits is refused';
  return undefined;
}
