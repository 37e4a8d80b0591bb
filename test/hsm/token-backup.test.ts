import { execFileSync } from 'node:child_process';
import { verify } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HsmErrorCode } from '@scm/hsm';
import { probe, scratchSoftHsm } from './support/settings';

/**
 * The backup procedure of docs/hsm.md on a scratch SoftHSM2 token directory (its own
 * SOFTHSM2_CONF, used by child processes only): back up the token directory and PIN files,
 * delete the token, restore it, and sign again with the same key.
 */
describe('SoftHSM2 token backup and restore', () => {
  const label = 'scm-backup-test';
  const { root, tokens, conf, so, pin, env } = scratchSoftHsm('scm-hsm-backup-', label);
  const state = join(root, 'state', 'hsm');
  const backup = join(root, 'backup');

  beforeAll(() => {
    mkdirSync(state, { recursive: true, mode: 0o700 });
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', so, '--pin', pin], {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'ignore',
    });
    writeFileSync(join(state, 'user-pin'), pin, { mode: 0o600 });
    writeFileSync(join(state, 'so-pin'), so, { mode: 0o600 });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('restores a deleted token from a copy of its directory; the same key signs again', async () => {
    const msg = Buffer.from('audit checkpoint 41').toString('hex');
    const first = await probe(['sign', 'scm-audit-checkpoint', msg], { ...env, PROBE_CREATE: '1' });
    expect(first).toMatchObject({ ok: true });
    const spki = Buffer.from(first.spki as string, 'base64');

    // Backup: the token's directory and the PIN files, copied while no process writes to it.
    const dirs = readdirSync(tokens);
    expect(dirs).toHaveLength(1);
    cpSync(join(tokens, dirs[0]), join(backup, 'tokens', dirs[0]), { recursive: true });
    cpSync(state, join(backup, 'hsm'), { recursive: true });

    rmSync(join(tokens, dirs[0]), { recursive: true });
    const gone = await probe(['sign', 'scm-audit-checkpoint', msg], env);
    expect(gone).toMatchObject({ ok: false, code: HsmErrorCode.TokenNotFound });

    // Restore: copy back; the PIN comes from the backed-up file.
    cpSync(join(backup, 'tokens', dirs[0]), join(tokens, dirs[0]), { recursive: true });
    const restoredPin = readFileSync(join(backup, 'hsm', 'user-pin'), 'utf8');
    const again = await probe(['sign', 'scm-audit-checkpoint', msg], { ...env, PROBE_PIN: restoredPin });
    expect(again).toMatchObject({ ok: true });
    expect(Buffer.from(again.spki as string, 'base64').equals(spki)).toBe(true);
    const sig = Buffer.from(again.signature as string, 'base64');
    expect(verify('sha256', Buffer.from(msg, 'hex'), { key: spki, format: 'der', type: 'spki' }, sig)).toBe(true);

    // Without the key (a token without it), get never creates one.
    const missing = await probe(['sign', 'scm-other-key', msg], env);
    expect(missing).toMatchObject({ ok: false, code: HsmErrorCode.KeyNotFound });
  });

  it('refuses a second token with the same label instead of guessing which one holds the keys', async () => {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', so, '--pin', 'another-pin-1234'], {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'ignore',
    });
    const r = await probe(['open'], env);
    expect(r).toMatchObject({ ok: false, code: HsmErrorCode.TokenAmbiguous });
    expect(r.message).toMatch(/2 tokens are labelled "scm-backup-test"/);
  });
});
