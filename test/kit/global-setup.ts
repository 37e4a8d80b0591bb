import Redis from 'ioredis';
import { provisionDatabase } from '../../libs/db/src';
import { join } from 'node:path';
import { applyTestEnv, testEnv } from './test-env';

/** Once per jest run: a fresh test database with every migration, and an empty test Redis db. */
export default async function globalSetup(): Promise<void> {
  applyTestEnv();
  await provisionDatabase({ adminUrl: testEnv.SCM_DATABASE_ADMIN_URL, ownerUrl: testEnv.SCM_DATABASE_OWNER_URL, recreate: true });
  const r = new Redis(testEnv.SCM_REDIS_URL);
  await r.flushdb();
  r.disconnect();
  // The platform keys the API needs, in the test token (created once, like scripts/setup does).
  // Global set-up runs outside jest's module mapping, so it loads the built library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { HsmContext, hsmSettingsFrom } = require(
    join(__dirname, '..', '..', 'dist', 'libs', 'hsm', 'src'),
  ) as typeof import('../../libs/hsm/src');
  const hsm = HsmContext.open(
    hsmSettingsFrom({
      SCM_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
      SCM_PKCS11_TOKEN_LABEL: testEnv.SCM_PKCS11_TOKEN_LABEL,
      SCM_PKCS11_SLOT: -1,
      SCM_PKCS11_PIN: '',
      SCM_PKCS11_PIN_FILE: '',
      SCM_STATE_DIR: testEnv.SCM_STATE_DIR,
    }),
  );
  try {
    await hsm.getOrCreateSigningKey({ label: 'scm-audit-checkpoint', version: 1 }, 'P-256');
  } finally {
    hsm.close();
  }
}
