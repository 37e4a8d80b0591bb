import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One workstation: one pcscd, reached through its socket, with its vpcd ports. */
export interface Workstation {
  readonly id: number;
  /** pcscd client socket; passed to libpcsclite as PCSCLITE_CSOCK_NAME. */
  readonly socket: string;
  /** vpcd TCP ports of its virtual readers, reader n on ports[n]. */
  readonly vpcdPorts: readonly number[];
}

export const workstationsFile = (stateDir: string): string => join(stateDir, 'workstations.json');

/** The workstation table written by scripts/setup. */
export function readWorkstations(stateDir: string): Workstation[] {
  const file = workstationsFile(stateDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`No workstation table at ${file}; run scripts/setup first`);
  }
  const parsed = JSON.parse(text) as { workstations?: Workstation[] };
  if (!Array.isArray(parsed.workstations)) throw new Error(`${file} has no "workstations" list`);
  return parsed.workstations;
}

/** Name vpcd gives reader n of a pcscd (Debian's vpcd: two readers per pcscd). */
export const vpcdReaderName = (index: number): string => `Virtual PCD 00 ${String(index).padStart(2, '0')}`;

export const hsmPinFile = (stateDir: string): string => join(stateDir, 'hsm', 'user-pin');

/** The password of SCM's Redis ACL user, written by scripts/setup (mode 0600). */
export const redisPasswordFile = (stateDir: string): string => join(stateDir, 'redis', 'scm-password');

/**
 * The Redis URL with its password: a URL that names a user but no password gets it from `file`
 * (scripts/setup writes it), so the password stays out of the environment and the process list.
 * A URL without a user (tests, a Redis without ACLs) is returned as it is.
 */
export function withRedisPassword(redisUrl: string, file: string): string {
  const u = new URL(redisUrl);
  if (!u.username || u.password) return redisUrl;
  let password: string;
  try {
    password = readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(
      `cannot read the password of Redis user "${u.username}" from ${file}; set SCM_REDIS_PASSWORD_FILE or run scripts/setup`,
    );
  }
  if (!password) throw new Error(`${file} is empty; run scripts/setup`);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Files of the card worker serving workstation `ws`: its keys, id and one-time enrolment token. */
export const workerFiles = (stateDir: string, ws: number) => ({
  dir: join(stateDir, 'worker'),
  key: join(stateDir, 'worker', `ws${ws}.key.json`),
  id: join(stateDir, 'worker', `ws${ws}.id`),
  enrollmentToken: join(stateDir, 'worker', `ws${ws}.enrollment-token`),
});
