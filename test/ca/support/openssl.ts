import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch directory for files handed to the openssl command line. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'scm-ca-'));

  /** Writes a file and returns its path. */
  file(name: string, data: string | Uint8Array): string {
    const p = join(this.dir, name);
    writeFileSync(p, data);
    return p;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs openssl; returns exit status and combined output (never throws on a non-zero exit). */
export function openssl(args: string[], input?: Uint8Array | ArrayBuffer): { status: number; out: string } {
  const r = spawnSync('openssl', args, { input: input && Buffer.from(input as Uint8Array), encoding: 'buffer' });
  return { status: r.status ?? -1, out: `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}` };
}

/** `openssl x509 -text` of a DER certificate. */
export function certText(der: Uint8Array | ArrayBuffer): string {
  const r = openssl(['x509', '-inform', 'DER', '-noout', '-text'], der);
  if (r.status !== 0) throw new Error(r.out);
  return r.out;
}

/** `openssl crl -text` of a DER CRL. */
export function crlText(der: Uint8Array): string {
  const r = openssl(['crl', '-inform', 'DER', '-noout', '-text'], der);
  if (r.status !== 0) throw new Error(r.out);
  return r.out;
}
