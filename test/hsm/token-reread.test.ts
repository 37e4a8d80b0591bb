import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HsmErrorCode } from '@scm/hsm';
import { probe, scratchSoftHsm, SOFTHSM_MODULE } from './support/settings';

/**
 * SoftHSM2 reads a token's PIN records from its file when the library is initialised. A process
 * that initialised it while another process was rewriting the token's file saw no user PIN, and
 * then failed every login for as long as it ran (an API replica answered /health 503 for minutes).
 * Here the token's file lacks the user PIN when the probe initialises the library, and has it
 * again before the probe logs in: the login must read the token afresh and succeed.
 */
describe('SoftHSM2 token read while another process rewrote it', () => {
  const label = 'scm-reread-test';
  const { root, tokens, conf, so, pin, env } = scratchSoftHsm('scm-hsm-reread-', label);
  let tokenFile = '';
  let withoutPin = '';
  let withPin = '';

  const tool = (args: string[]) =>
    execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, ...args], { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'pipe' });

  beforeAll(() => {
    // The token as it is between C_InitToken and C_InitPIN: a label and an SO PIN, no user PIN.
    tool(['--init-token', '--label', label, '--so-pin', so]);
    const dirs = readdirSync(tokens);
    expect(dirs).toHaveLength(1);
    tokenFile = join(tokens, dirs[0], 'token.object');
    withoutPin = join(root, 'token-without-user-pin.object');
    copyFileSync(tokenFile, withoutPin);
    tool(['--token-label', label, '--login', '--login-type', 'so', '--so-pin', so, '--init-pin', '--pin', pin]);
    withPin = join(root, 'token-with-user-pin.object');
    copyFileSync(tokenFile, withPin);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('logs in once the file is whole again, in the process that read it without the user PIN', async () => {
    copyFileSync(withoutPin, tokenFile);
    const r = await probe(['open-later'], env, () => copyFileSync(withPin, tokenFile));
    expect(r).toMatchObject({ ok: true, ping: { token: label } });
  });

  it('a token that really has no user PIN is named as such, after a bounded number of reads', async () => {
    copyFileSync(withoutPin, tokenFile);
    try {
      const t0 = Date.now();
      const r = await probe(['open'], env);
      expect(r).toMatchObject({ ok: false, code: HsmErrorCode.LoginFailed });
      expect(r.message).toContain('has no user PIN');
      expect(Date.now() - t0).toBeLessThan(30_000);
    } finally {
      copyFileSync(withPin, tokenFile);
    }
  });

  it('a process that read the whole token logs in at once', async () => {
    expect(await probe(['open'], env)).toMatchObject({ ok: true, ping: { token: label } });
  });
});
