import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hsmSettingsFrom, type HsmSettings } from '@scm/hsm';
import { testEnv } from '@scm/test-kit';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/** HSM settings of the test token (the sandbox's when run under scripts/dev-sandbox). */
export function testHsmSettings(): HsmSettings {
  return hsmSettingsFrom({
    SCM_PKCS11_MODULE: SOFTHSM_MODULE,
    SCM_PKCS11_TOKEN_LABEL: testEnv.SCM_PKCS11_TOKEN_LABEL,
    SCM_PKCS11_SLOT: -1,
    SCM_PKCS11_PIN: '',
    SCM_PKCS11_PIN_FILE: '',
    SCM_STATE_DIR: testEnv.SCM_STATE_DIR,
  });
}

/**
 * A SoftHSM2 of a test's own: a temporary directory with its token directory and configuration
 * (used by child processes only, through SOFTHSM2_CONF), random SO and user PINs, and the probe's
 * environment for a token labelled `label`. No token is made: the test makes the one it needs.
 */
export function scratchSoftHsm(prefix: string, label: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const tokens = join(root, 'tokens');
  const conf = join(root, 'softhsm2.conf');
  mkdirSync(tokens, { recursive: true });
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const so = randomBytes(8).toString('hex');
  const pin = randomBytes(8).toString('hex');
  const env = { SOFTHSM2_CONF: conf, PROBE_MODULE: SOFTHSM_MODULE, PROBE_TOKEN: label, PROBE_PIN: pin };
  return { root, tokens, conf, so, pin, env };
}

/** A label no other run uses, so tests never touch keys that protect real data. */
export function scratchLabel(what: string): string {
  return `test-${what}-${process.pid}-${Date.now().toString(36)}`;
}

/**
 * Runs test/hsm/support/hsm-probe.ts in a fresh process and parses its last JSON line. With
 * `whenLoaded` (action open-later), that runs once the probe has initialised the module, and the
 * probe goes on after it.
 */
export function probe(
  args: string[],
  env: Record<string, string>,
  whenLoaded?: () => void,
): Promise<{ ok: boolean; code?: string; message?: string; [k: string]: unknown }> {
  const root = join(__dirname, '..', '..', '..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'run-ts.js'), join(__dirname, 'hsm-probe.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: [whenLoaded ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (whenLoaded && out.includes('{"loaded":true}\n')) {
        const go = whenLoaded;
        whenLoaded = undefined;
        try {
          go();
        } finally {
          child.stdin!.end('go\n');
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`probe exited ${code}: ${out}\n${err}`));
      }
    });
  });
}
