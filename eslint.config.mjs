// ESLint flat config: typescript-eslint's recommended rules, plus the few this codebase relies on,
// and the import boundaries between pure libs, I/O libs, apps, tests and benchmarks.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * Import boundaries (test/platform/import-boundaries.test.ts proves each one fires and stays quiet).
 * Each restriction is a list of `no-restricted-imports` patterns. Flat config does not merge a rule's
 * options across config objects (the last object matching a file wins), so every object below
 * names all the restrictions of its files, through `restrict(...)`. Patterns are case-sensitive
 * regular expressions; `(/.*)?` also catches deep imports such as 'typeorm/driver/…'.
 * The rule sees static imports and re-exports only, not require() or import().
 */
const pattern = (regex, message) => ({ regex, message, caseSensitive: true });
const restrict = (...restrictions) => ['error', { patterns: restrictions.flat(Infinity) }];

// 1. Pure libs: bytes in, bytes out (docs: design "Pure libs", conventions 1 and 15).
const PURE_IO = {
  nest: pattern('^@nestjs/', 'A pure lib has no Nest: Nest modules, providers and decorators belong in apps/.'),
  fs: pattern(
    '^(node:)?fs(/promises)?$',
    'A pure lib has no file system: take and return bytes; reading and writing files is for the edges (apps/, libs/vsc/src/store).',
  ),
  network: pattern(
    '^((node:)?(net|dgram|http|https|http2|tls)|ws)(/.*)?$',
    'A pure lib opens no sockets and speaks no HTTP: I/O sits at the edges behind a port.',
  ),
  processes: pattern('^(node:)?child_process$', 'A pure lib starts no processes.'),
  readers: pattern(
    '^(pcsclite|@scm/pcsc|@scm/vpcd)(/.*)?$',
    'A pure lib talks to no card reader: take a one-method transport (ByteTransport of @scm/apdu) instead.',
  ),
  stores: pattern(
    '^(typeorm|pg|ioredis|bullmq|@scm/db)(/.*)?$',
    'A pure lib uses no database or queue client: declare a port and implement it at the edge (apps/).',
  ),
  pkcs11: pattern(
    '^(graphene-pk11|node-webcrypto-p11|pkcs11js)(/.*)?$',
    'A pure lib does not talk PKCS#11: use the HSM through a port or @scm/hsm key objects passed in.',
  ),
};
const PURE_LIBS = ['apdu', 'piv', 'queue', 'personalisation', 'ca'].map((lib) => `libs/${lib}/src`);
// libs/vsc: the format, crypto and control program are pure; store/ (files) and card/ (vpcd) do I/O.
PURE_LIBS.push('libs/vsc/src/{format,crypto,control}');

// 2. Libs never reach into apps/: a relative path up to the root (libs/<name>/src is three levels
// down, so a lib's own folder called apps, './apps' or '../apps', stays allowed) or 'apps/…'
// through tsconfig's baseUrl.
const NO_APPS = pattern(
  '^((\\./)?(\\.\\./){3,})?apps(/|$)',
  'A lib never imports from apps/: move what both need into a lib (the API ↔ worker contract is @scm/personalisation).',
);

// 3. Apps never import each other. The app names are read from apps/, so a new app is covered.
const APPS = readdirSync(join(import.meta.dirname, 'apps'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const noOtherApps = (app) => {
  const others = APPS.filter((a) => a !== app).join('|');
  return pattern(
    `^((\\./)?(\\.\\./)+(apps/)?|apps/)(${others})/src(/|$)`,
    `apps/${app} does not import another app: what two apps share is a lib under libs/ (the wire contract is @scm/personalisation).`,
  );
};

// 4. The card worker runs on workstations: no HSM, card secrets or database (docs: design "Card workers").
const WORKER_SERVER_SIDE = [
  pattern(
    '^(@scm/(card-secrets|hsm|db)|typeorm|pg|graphene-pk11|node-webcrypto-p11|pkcs11js)(/.*)?$',
    'The card worker holds no HSM, card secret or database: it gets key material wrapped for it from the API (worker-contract.ts of @scm/personalisation).',
  ),
  pattern(
    '(^|/)libs/(card-secrets|hsm|db)(/|$)',
    'The card worker holds no HSM, card secret or database, not even through a relative path into libs/.',
  ),
  pattern(
    '^(ioredis|bullmq|@scm/queue)(/.*)?$',
    'The card worker never reaches Redis: the API leases it card jobs over its authenticated channel (POST /api/v1/worker/personalisation/leases).',
  ),
];

// 5. Tests and benchmarks use a lib through its public index, @scm/<name>. A lib's testing/ folder
// (fixtures kept out of its index on purpose, e.g. libs/archive/src/testing/fixtures.ts) is the exception.
const LIBS_BY_NAME = pattern(
  '^(\\.{1,2}/)*libs/(?![^/]+/src/testing/)',
  'Import a lib as @scm/<name> (its index), not by a relative path into libs/*/src.',
);
const APPS_BY_ENTRY = pattern(
  '^(\\.{1,2}/)*apps/[^/]+/src/.',
  'Import an app through its public entry point (apps/<app>/src, its index.ts), not by a path into its folders.',
);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'scripts/*.js', 'jest.config.js', 'apps/console/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest reads constructor parameter types at run time (decorator metadata): a type-only import
      // would erase them, so value imports stay as they are.
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': true, 'ts-ignore': true }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  { files: ['libs/**/*.ts'], rules: { 'no-restricted-imports': restrict(NO_APPS) } },
  { files: PURE_LIBS.map((dir) => `${dir}/**/*.ts`), rules: { 'no-restricted-imports': restrict(Object.values(PURE_IO), NO_APPS) } },
  {
    // Specs of pure libs may read their fixtures from disk (libs/vsc/src/format/vectors.spec.ts reads
    // test vector 1 from docs/vsc-format.md); every other restriction still holds for them.
    files: PURE_LIBS.map((dir) => `${dir}/**/*.spec.ts`),
    rules: { 'no-restricted-imports': restrict(Object.values({ ...PURE_IO, fs: [] }), NO_APPS) },
  },
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: { 'no-restricted-imports': restrict(noOtherApps(app), app === 'card-worker' ? WORKER_SERVER_SIDE : []) },
  })),
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'no-restricted-imports': restrict(LIBS_BY_NAME, APPS_BY_ENTRY) } },
  {
    // The issuer API's repositories own SQL (docs/api-structure.md): outside *.repository.ts nothing
    // reaches for the transaction's EntityManager, runs a query or injects the DataSource. The unit
    // of work itself opens the transactions.
    files: ['apps/issuer-api/src/**/*.ts'],
    ignores: ['apps/issuer-api/src/**/*.repository.ts', 'apps/issuer-api/src/platform/infra/unit-of-work.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='em']",
          message: 'only repositories use the transaction (tx.em): add a repository method',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(query|createQueryBuilder|getRepository|transaction)$/]',
          message: 'SQL and TypeORM calls belong in a *.repository.ts file',
        },
        { selector: "Decorator CallExpression[callee.name='InjectDataSource']", message: 'only repositories inject the DataSource' },
        {
          selector: "Decorator CallExpression[callee.name='Inject'][arguments.0.name='DATA_SOURCE']",
          message: 'only repositories inject the DataSource',
        },
      ],
    },
  },
  {
    // Jest's global set-up runs before its module mapping exists, so @scm/<name> does not resolve
    // there: it loads libs/db from source and the rest from dist/ (see the file's comment).
    files: ['test/kit/global-setup.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
