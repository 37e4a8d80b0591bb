import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from '@scm/test-kit';

/**
 * Secrets on the host, as scripts/setup leaves them (it runs before the tests): the token's user
 * PIN, which the API logs in with, readable by the service's user only; the SO PIN, which can
 * re-initialise the token, shown once at initialisation and never stored.
 */
describe('HSM secrets on the host', () => {
  const dirs = [testEnv.SCM_STATE_DIR!, '/var/lib/scm'].filter((d) => existsSync(join(d, 'hsm')));

  it('finds the state directories set-up made', () => {
    expect(dirs).toContain(testEnv.SCM_STATE_DIR);
  });

  it.each(dirs)('%s: the user PIN file is 0600 and the service user’s, in a 0700 directory; no SO PIN is stored', (dir) => {
    const hsm = join(dir, 'hsm');
    expect(statSync(hsm).mode & 0o777).toBe(0o700);
    const pin = statSync(join(hsm, 'user-pin'));
    expect(pin.mode & 0o777).toBe(0o600);
    expect(pin.uid).toBe(process.getuid!());
    expect(existsSync(join(hsm, 'so-pin'))).toBe(false);
  });
});
