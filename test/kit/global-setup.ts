import Redis from 'ioredis';
import { provisionDatabase } from '../../libs/db/src';
import { applyTestEnv, testEnv } from './test-env';

/** Once per jest run: a fresh test database with every migration, and an empty test Redis db. */
export default async function globalSetup(): Promise<void> {
  applyTestEnv();
  await provisionDatabase({ adminUrl: testEnv.SCM_DATABASE_ADMIN_URL, ownerUrl: testEnv.SCM_DATABASE_OWNER_URL, recreate: true });
  const r = new Redis(testEnv.SCM_REDIS_URL);
  await r.flushdb();
  r.disconnect();
}
