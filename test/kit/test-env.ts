/**
 * The environment of every test: its own database, Redis database and key prefix, HSM token and
 * virtual readers, so a running `npm start` never sees a test's data or cards and the reverse.
 * A developer running tests beside another run picks another sandbox (scripts/dev-sandbox).
 */
const db = process.env.SCM_TEST_DB ?? 'scm_test';
const redisDb = process.env.SCM_TEST_REDIS_DB ?? '1';

export const testEnv: Record<string, string> = {
  SCM_STATE_DIR: process.env.SCM_TEST_STATE_DIR ?? '/var/lib/scm-test',
  SCM_DATABASE_URL: `postgres://scm_app@127.0.0.1:5432/${db}`,
  SCM_DATABASE_OWNER_URL: `postgres://scm_owner@127.0.0.1:5432/${db}`,
  SCM_DATABASE_ADMIN_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  SCM_REDIS_URL: `redis://127.0.0.1:6379/${redisDb}`,
  SCM_REDIS_PREFIX: process.env.SCM_TEST_REDIS_PREFIX ?? 'scm-test',
  SCM_PKCS11_TOKEN_LABEL: process.env.SCM_TEST_TOKEN ?? 'scm-test',
  SCM_LOG_LEVEL: process.env.SCM_TEST_LOG_LEVEL ?? 'error',
  SCM_HTTP_HOST: '127.0.0.1',
  // Every test logs in from 127.0.0.1: the per-address lockout is tested on its own.
  SCM_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
  // Likewise the per-address rate limits (tested on their own).
  SCM_RATE_LIMIT_PER_MINUTE: '1000000',
  SCM_RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
  // A development machine: blank test cards not in registered stock are factory-default stock
  // (the stock tests turn it off to play production).
  SCM_DEV_STOCK: '1',
  // A query inside a transaction that takes a second pool connection fails the test.
  SCM_TX_GUARD: process.env.SCM_TEST_TX_GUARD ?? 'refuse',
};

export function applyTestEnv(): void {
  for (const [k, v] of Object.entries(testEnv)) process.env[k] = v;
  // Never let a test pick up the stack's pcscd by accident.
  delete process.env.PCSCLITE_CSOCK_NAME;
}
