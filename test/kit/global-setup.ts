import Redis from 'ioredis';
import { Client } from 'pg';
import { provisionDatabase } from '../../libs/db/src';
import { join } from 'node:path';
import { applyTestEnv, testEnv } from './test-env';

/**
 * Global set-up runs outside jest's module mapping (the @scm/* paths), so the libraries that use
 * them are loaded from the build, which pretest makes.
 */
function built<T>(path: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(__dirname, '..', '..', 'dist', path)) as T;
}

/** Once per jest run: a fresh test database with every migration, and an empty test Redis db. */
export default async function globalSetup(): Promise<void> {
  applyTestEnv();
  await provisionDatabase({ adminUrl: testEnv.SCM_DATABASE_ADMIN_URL, ownerUrl: testEnv.SCM_DATABASE_OWNER_URL, recreate: true });
  const r = new Redis(testEnv.SCM_REDIS_URL);
  await r.flushdb();
  r.disconnect();
  // The platform keys the API needs, in the test token (created once, like scripts/setup does).
  const { HsmContext, hsmSettingsFrom } = built<typeof import('../../libs/hsm/src')>('libs/hsm/src');
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
    // What scripts/setup section 7 creates: the VSC keys (scm vsc init-keys) and the CA hierarchy
    // (scm ca init) — keys kept in the token across runs, certificates new in each fresh database.
    const { HsmKeyProtector } = built<typeof import('../../libs/vsc/src')>('libs/vsc/src');
    await HsmKeyProtector.provision(hsm);
    // The personalisation keys (scm card init-keys): management-key master and PUK key.
    const { provisionCardKeys } = built<typeof import('../../libs/card-secrets/src')>('libs/card-secrets/src');
    await provisionCardKeys(hsm);
    // The archive key (scm archive init-keys); its certificate is issued at the first seal.
    const { provisionArchiveKey } = built<typeof import('../../libs/archive/src')>('libs/archive/src');
    await provisionArchiveKey(hsm);
    const { setupCaHierarchy, PgCaStore, pgClientRunner } = built<typeof import('../../libs/ca/src')>('libs/ca/src');
    const db = new Client({ connectionString: testEnv.SCM_DATABASE_URL });
    await db.connect();
    try {
      await setupCaHierarchy(hsm, new PgCaStore(() => pgClientRunner(db)), {
        organization: 'SCM Test',
        publicBaseUrl: 'http://127.0.0.1:7400',
      });
    } finally {
      await db.end();
    }
  } finally {
    hsm.close();
  }
}
