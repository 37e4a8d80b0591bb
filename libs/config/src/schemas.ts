import { absPath, apiUrl, bool, int, oneOf, str, url } from './env';

/** Where SCM keeps machine state outside the checkout: HSM PIN files, enrolment tokens, workstation table. */
export const stateSchema = {
  SCM_STATE_DIR: absPath('Directory for SCM machine state (HSM PIN file, workstation table, worker keys)', '/var/lib/scm'),
};

export const logSchema = {
  SCM_LOG_LEVEL: oneOf('Log level', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
  SCM_LOG_FILE: str('Also append JSON logs to this file (empty: stdout only)', ''),
};

export const databaseSchema = {
  SCM_DATABASE_URL: url(
    'PostgreSQL URL of the application role (DML only; INSERT-only on audit)',
    'postgres://scm_app@127.0.0.1:5432/scm',
    ['postgres:', 'postgresql:'],
    { secret: true, passwordFileVar: 'SCM_DATABASE_PASSWORD_FILE' },
  ),
  SCM_DATABASE_PASSWORD_FILE: str("File holding the application role's password (replaces any password in SCM_DATABASE_URL)", ''),
  SCM_DATABASE_OWNER_URL: url(
    'PostgreSQL URL of the schema owner (migrations only)',
    'postgres://scm_owner@127.0.0.1:5432/scm',
    ['postgres:', 'postgresql:'],
    { secret: true, passwordFileVar: 'SCM_DATABASE_OWNER_PASSWORD_FILE' },
  ),
  SCM_DATABASE_OWNER_PASSWORD_FILE: str("File holding the schema owner's password (replaces any password in SCM_DATABASE_OWNER_URL)", ''),
  SCM_DATABASE_POOL: int('Connections in the pool', '10', 1, 200),
};

/** What the API does when a query inside a transaction takes a second pool connection (a bug: see the unit of work). */
export const txGuardSchema = {
  SCM_TX_GUARD: oneOf('A second pool connection taken inside a transaction: log it, or refuse it (tests)', 'log', [
    'log',
    'refuse',
  ] as const),
};

/** The API's own Redis (its background work); card workers never reach it. */
export const redisSchema = {
  SCM_REDIS_URL: url(
    "Redis URL of the API's background work, as SCM's ACL user (a URL naming a user without a password takes it from SCM_REDIS_PASSWORD_FILE)",
    'redis://scm@127.0.0.1:6379/0',
    ['redis:', 'rediss:'],
    { secret: true, passwordFileVar: 'SCM_REDIS_PASSWORD_FILE' },
  ),
  SCM_REDIS_PASSWORD_FILE: str(
    "File (mode 0600) with the Redis password (of SCM's ACL user, or of the default user when the URL names none); default <state dir>/redis/scm-password",
    '',
  ),
  SCM_REDIS_PREFIX: str('Key prefix for every queue in Redis', 'scm', { pattern: /^[A-Za-z0-9_.-]{1,40}$/ }),
};

export const hsmSchema = {
  SCM_PKCS11_MODULE: absPath('PKCS#11 module of the HSM', '/usr/lib/softhsm/libsofthsm2.so'),
  SCM_PKCS11_TOKEN_LABEL: str('Label of the SCM token in the HSM', 'scm', { pattern: /^.{1,32}$/ }),
  SCM_PKCS11_SLOT: int('Slot index of the SCM token; -1 finds it by label', '-1', -1, 1_000_000),
  SCM_PKCS11_PIN: str('User PIN of the token (prefer SCM_PKCS11_PIN_FILE)', '', { secret: true }),
  SCM_PKCS11_PIN_FILE: str('File holding the user PIN (mode 0600); default <state dir>/hsm/user-pin', ''),
};

/** The issuing CA as the API and `scm ca init` see it (docs/card-profile.md, docs/issuance.md). */
export const caSchema = {
  SCM_PUBLIC_URL: url('Base URL clients and certificates use to reach the API (CRL, AIA)', 'http://127.0.0.1:7400', ['http:', 'https:']),
  SCM_ORGANIZATION: str('Organisation named in CA and certificate subjects', 'SCM', { pattern: /^[^,=+<>#;\\"]{1,64}$/ }),
  SCM_CA_ROOT_ID: str('Store id of the root CA (its CRL is served at /crl/<id>.crl)', 'scm-root', { pattern: /^[a-z0-9][a-z0-9-]{0,39}$/ }),
  SCM_CA_ISSUING_ID: str('Store id of the issuing CA that certifies card keys', 'scm-issuing', { pattern: /^[a-z0-9][a-z0-9-]{0,39}$/ }),
  SCM_CRL_VALIDITY_HOURS: int('A CRL is valid (nextUpdate) this many hours after it is signed', '72', 1, 8760),
};

export const apiSchema = {
  ...stateSchema,
  ...logSchema,
  ...databaseSchema,
  ...txGuardSchema,
  ...redisSchema,
  ...hsmSchema,
  SCM_HTTP_HOST: str('Address the issuer API listens on', '127.0.0.1'),
  SCM_HTTP_PORT: int('Port the issuer API listens on', '7400', 1, 65535),
  ...caSchema,
  SCM_OPENAPI: bool('Serve the OpenAPI document at /api/docs', 'true'),
  SCM_SESSION_IDLE_MINUTES: int('A session ends after this many minutes without use', '15', 1, 1440),
  SCM_SESSION_MAX_HOURS: int('A session ends this many hours after login, used or not', '8', 1, 72),
  SCM_LOGIN_MAX_FAILURES: int('Failed logins before an account (or address) is locked', '5', 1, 100),
  SCM_LOGIN_MAX_FAILURES_PER_ADDRESS: int('Failed logins from one address (any accounts) before it is locked', '20', 1, 100000),
  SCM_LOGIN_LOCK_MINUTES: int('How long a lockout lasts', '15', 1, 1440),
  SCM_CHECKPOINT_SECONDS: int('Interval between signed checkpoints of the audit chain', '60', 1, 3600),
  SCM_APPROVAL_TTL_HOURS: int('An approval request expires after this many hours', '24', 1, 720),
  SCM_OUTBOX_POLL_MS: int('Interval of the outbox relay, in ms', '500', 20, 60000),
  SCM_CORS_ORIGINS: str('Origins allowed to call the API from a browser, comma-separated (empty: CORS off)', ''),
  SCM_BODY_LIMIT: str('Largest request body accepted (batch issuance sends thousands of requests in one call)', '8mb', {
    pattern: /^\d+(kb|mb)$/,
  }),
  SCM_RATE_LIMIT_PER_MINUTE: int('Requests per minute per client address (all routes)', '1200', 1, 1_000_000),
  SCM_RATE_LIMIT_LOGIN_PER_MINUTE: int('Requests per minute per address to login and worker enrolment routes', '30', 1, 1_000_000),
  SCM_TRUST_PROXY: str('Express trust proxy setting when behind a TLS proxy (e.g. "loopback"); empty: none', ''),
  SCM_SEPARATION_OF_DUTIES: oneOf(
    'Separation of duties (sponsor, registrar, issuer, activator are different people); "relaxed" lets one officer do all (a lab only; /health says so)',
    'enforced',
    ['enforced', 'relaxed'] as const,
  ),
  SCM_REAUTH_MINUTES: int('Sensitive actions need a password confirmation within this many minutes', '5', 1, 120),
  SCM_RECONCILE_SECONDS: int('Interval of the check that re-queues pending work missing from Redis', '30', 1, 3600),
  SCM_CRL_REPUBLISH_MINUTES: int('A CRL older than this is signed again (besides at every revocation)', '60', 1, 10080),
  SCM_KEYGEN_CONCURRENCY: int('Key-generation jobs this API process runs at once (0: none, another process runs them)', '4', 0, 64),
  SCM_ISSUANCE_BATCH_MAX: int('Most issuance requests (or cardholders) accepted in one call', '10000', 1, 100000),
  SCM_ARCHIVE_DIR: str('Directory the API writes sealed archive volumes to (default: <state dir>/archive)', ''),
  SCM_PERSONALISATION_STALL_SECONDS: int(
    'A personalisation without a report from its worker for this long waits for its card again',
    '120',
    5,
    86400,
  ),
  SCM_CARD_LEASE_SECONDS: int(
    'A card job leased to a worker for the card in one of its readers returns to the pool this long after its last renewal',
    '30',
    5,
    3600,
  ),
  SCM_CLAIMS_PER_MINUTE: int('Claims one card worker may make per minute (more are refused and count as refused claims)', '120', 1, 100000),
  SCM_WORKER_SUSPEND_AFTER_REFUSED_CLAIMS: int(
    'Refused claims (not leased, bound to another worker, over the rate, a card outside the stock or not proved) within SCM_CLAIM_REFUSALS_WINDOW_MINUTES that suspend a worker',
    '5',
    1,
    1000,
  ),
  SCM_CLAIM_REFUSALS_WINDOW_MINUTES: int('The window in which refused claims of a worker are counted', '10', 1, 1440),
  SCM_ACTIVATION_TTL_MINUTES: int('An activation session opened after an identity check expires after this many minutes', '15', 1, 1440),
  SCM_HELPDESK_APPROVALS: int('Officers (never the requester) who approve a temporary card, a reissue or a key recovery', '2', 1, 10),
  SCM_TEMPORARY_CARD_DAYS: int('Default lifetime of a temporary card (and of its certificates), in days', '7', 1, 90),
  SCM_TEMPORARY_CARD_MAX_DAYS: int('Longest lifetime a temporary card may be given, in days', '14', 1, 90),
  SCM_ESCROW_RETENTION_DAYS: int(
    "Days a leaver's escrowed keys stay recoverable after their termination; after that two officers may purge them from the database",
    '730',
    0,
    36500,
  ),
  SCM_HELPDESK_SWEEP_SECONDS: int('Interval of the check that expires temporary cards and completes reissues', '30', 1, 3600),
  SCM_DEV_STOCK: bool(
    'Development machines only: blank cards not in registered stock count as the factory-default batch (well-known transport key). Off in production',
    'false',
  ),
};

/** A card worker talks to the API only: its configuration names no Redis (nor database, nor HSM). */
export const workerSchema = {
  ...stateSchema,
  ...logSchema,
  SCM_API_URL: apiUrl('Issuer API base URL (https://, or http:// on 127.0.0.1/localhost only)', 'http://127.0.0.1:7400'),
  SCM_WORKSTATION: int('Workstation number this worker serves (one pcscd)', '0', 0, 999),
  SCM_HEARTBEAT_MS: int('Interval between heartbeats to the API, in ms', '5000', 200, 600000),
  SCM_CARD_TIMEOUT_MS: int('Deadline for one APDU exchange, in ms', '15000', 100, 600000),
  SCM_WORKER_NAME: str('Name this worker registers under (default: host name and workstation)', ''),
  SCM_ENROLLMENT_TOKEN: str('One-time enrolment token (default: read from <state dir>/worker/ws<N>.enrollment-token)', '', {
    secret: true,
  }),
  SCM_CARD_JOBS: bool('Ask the API for card jobs for blank cards in the readers of this workstation', 'true'),
  SCM_CARD_JOB_POLL_MS: int('How often a reader holding a blank card asks the API for a card job, in ms', '500', 50, 60000),
  SCM_ACTIVATION_SOCKET: str('Local socket of the activation prompt (default: <state dir>/worker/ws<N>.activation.sock)', ''),
};

export type ApiSchema = typeof apiSchema;
export type WorkerSchema = typeof workerSchema;
