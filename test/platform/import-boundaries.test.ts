import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** One import linted as if it were a file at `filePath`; `fires` is the expected message, or null for none. */
interface Case {
  rule: string;
  filePath: string;
  code: string;
  fires: RegExp | null;
}

const bad = (rule: string, filePath: string, code: string, fires: RegExp): Case => ({ rule, filePath, code, fires });
const ok = (rule: string, filePath: string, code: string): Case => ({ rule, filePath, code, fires: null });

const PURE = '1 pure libs';
const NO_APPS = '2 libs do not import apps';
const APPS = '3 apps do not import each other';
const WORKER = '4 the card worker holds no server-side secret';
const TESTS = '5 tests and benchmarks import libs as @scm/<name> and apps through their entry point';
const SQL = '6 the issuer API runs SQL in repositories only';

/* The fixtures: virtual files (nothing is written to disk) inside the folders each rule covers. */
const CASES: Case[] = [
  // 1. Pure libs: bytes in, bytes out.
  bad(PURE, 'libs/apdu/src/__fixture__.ts', "import { readFileSync } from 'node:fs';", /no file system/),
  bad(PURE, 'libs/apdu/src/__fixture__.ts', "export * from 'fs/promises';", /no file system/),
  bad(PURE, 'libs/apdu/src/__fixture__.ts', "import { DataSource } from 'typeorm/data-source';", /no database or queue client/),
  bad(PURE, 'libs/piv/src/__fixture__.ts', "import { Injectable } from '@nestjs/common';", /no Nest/),
  bad(PURE, 'libs/queue/src/__fixture__.ts', "import { Queue } from 'bullmq';", /no database or queue client/),
  bad(PURE, 'libs/personalisation/src/__fixture__.ts', "import { Session } from 'graphene-pk11';", /PKCS#11/),
  bad(PURE, 'libs/personalisation/src/__fixture__.ts', "import { HsmContext } from '@scm/db';", /no database or queue client/),
  bad(PURE, 'libs/ca/src/__fixture__.ts', "import { Client } from 'pg';", /no database or queue client/),
  bad(PURE, 'libs/ca/src/__fixture__.ts', "import { get } from 'node:https';", /no sockets/),
  bad(PURE, 'libs/vsc/src/format/__fixture__.ts', "import { connect } from 'node:net';", /no sockets/),
  bad(PURE, 'libs/vsc/src/crypto/__fixture__.ts', "import pcsclite from 'pcsclite';", /no card reader/),
  bad(PURE, 'libs/vsc/src/control/__fixture__.ts', "import { spawn } from 'child_process';", /no processes/),
  bad(PURE, 'libs/vsc/src/format/__fixture__.spec.ts', "import { Test } from '@nestjs/testing';", /no Nest/),
  ok(
    PURE,
    'libs/apdu/src/__fixture__.ts',
    "import { createHash } from 'node:crypto';\nimport { toHex } from './bytes';\nimport fc from 'fast-check';",
  ),
  ok(PURE, 'libs/ca/src/__fixture__.ts', "import * as x509 from '@peculiar/x509';\nimport { encodeTlv } from '@scm/apdu';"),
  ok(PURE, 'libs/vsc/src/format/__fixture__.spec.ts', "import { readFileSync } from 'node:fs';"),
  ok(PURE, 'libs/vsc/src/store/__fixture__.ts', "import { readFile } from 'node:fs/promises';"),
  ok(PURE, 'libs/vsc/src/card/__fixture__.ts', "import { VpcdConnector } from '@scm/vpcd';"),
  ok(PURE, 'libs/pcsc/src/__fixture__.ts', "import pcsclite from 'pcsclite';\nimport { fork } from 'node:child_process';"),
  // 2. Libs never reach into apps/ (in a pure lib too: both restrictions hold at once).
  bad(
    NO_APPS,
    'libs/hsm/src/__fixture__.ts',
    "import { HSM } from '../../../apps/issuer-api/src/platform/infra/tokens';",
    /never imports from apps/,
  ),
  bad(
    NO_APPS,
    'libs/apdu/src/__fixture__.ts',
    "import { WorkerModule } from '../../../apps/card-worker/src/worker.module';",
    /never imports from apps/,
  ),
  bad(NO_APPS, 'libs/db/src/__fixture__.ts', "import { x } from 'apps/cli/src/main';", /never imports from apps/),
  ok(
    NO_APPS,
    'libs/hsm/src/__fixture__.ts',
    "import { readFileSync } from 'node:fs';\nimport { CodedError } from '@scm/common';\nimport { x } from './apps';",
  ),
  // 3. Apps never import each other.
  bad(
    APPS,
    'apps/card-worker/src/personalisation/__fixture__.ts',
    "import { CardSecretsService } from '../../../issuer-api/src/personalisation/card-secrets.service';",
    /apps\/card-worker does not import another app/,
  ),
  bad(
    APPS,
    'apps/cli/src/commands/__fixture__.ts',
    "import { x } from '../../../../apps/issuer-api/src/main';",
    /apps\/cli does not import another app/,
  ),
  bad(
    APPS,
    'apps/issuer-api/src/__fixture__.ts',
    "export { WorkerModule } from '../../card-worker/src/worker.module';",
    /apps\/issuer-api does not/,
  ),
  ok(
    APPS,
    'apps/issuer-api/src/personalisation/__fixture__.ts',
    "import { AttemptsService } from './attempts.service';\nimport { UnitOfWork } from '../platform/infra/unit-of-work';\nimport type { ClaimView } from '@scm/personalisation';",
  ),
  // 4. The card worker: no HSM, card secrets or database.
  ...['@scm/card-secrets', '@scm/hsm', '@scm/db', 'typeorm', 'pg', 'graphene-pk11', 'node-webcrypto-p11'].map((m) =>
    bad(WORKER, 'apps/card-worker/src/__fixture__.ts', `import * as m from '${m}';`, /card worker holds no HSM, card secret or database/),
  ),
  bad(WORKER, 'apps/card-worker/src/__fixture__.ts', "import { HsmContext } from '../../../libs/hsm/src';", /card worker holds no HSM/),
  // ... and no Redis: the API leases card jobs to it.
  ...['ioredis', 'bullmq', '@scm/queue'].map((m) =>
    bad(WORKER, 'apps/card-worker/src/__fixture__.ts', `import * as m from '${m}';`, /card worker never reaches Redis/),
  ),
  ok(
    WORKER,
    'apps/card-worker/src/__fixture__.ts',
    "import { unwrapAsWorker } from '@scm/personalisation';\nimport { PcscReaders } from '@scm/pcsc';\nimport WebSocket from 'ws';",
  ),
  ok(
    WORKER,
    'apps/issuer-api/src/personalisation/__fixture__.ts',
    "import { PukVault } from '@scm/card-secrets';\nimport { HsmContext } from '@scm/hsm';",
  ),
  // 5. Tests and benchmarks: libs as @scm/<name>, never a relative path into libs/*/src.
  bad(TESTS, 'test/issuance/__fixture__.test.ts', "import { parseTlvs } from '../../libs/apdu/src';", /as @scm\/<name>/),
  bad(TESTS, 'test/kit/__fixture__.ts', "import { parseTlvs } from '../../libs/apdu/src/tlv.codec';", /as @scm\/<name>/),
  bad(TESTS, 'bench/__fixture__.ts', "import { VirtualSmartCard } from '../libs/vsc/src/control/virtual-smart-card';", /as @scm\/<name>/),
  ok(
    TESTS,
    'test/issuance/__fixture__.test.ts',
    "import { parseTlvs } from '@scm/apdu';\nimport { startApi } from '@scm/test-kit';\nimport { x } from '../kit/users';",
  ),
  ok(TESTS, 'bench/__fixture__.ts', "import { sampleVsc } from '../libs/archive/src/testing/fixtures';"),
  bad(
    TESTS,
    'test/trust/__fixture__.test.ts',
    "import { UnitOfWork } from '../../apps/issuer-api/src/platform/infra/unit-of-work';",
    /through its public entry point/,
  ),
  bad(TESTS, 'bench/__fixture__.ts', "import { createApiApp } from '../apps/issuer-api/src/bootstrap';", /through its public entry point/),
  ok(TESTS, 'test/trust/__fixture__.test.ts', "import { UnitOfWork, createApiApp } from '../../apps/issuer-api/src';"),
  // 6. The issuer API: SQL, the transaction's EntityManager and the DataSource only in repositories.
  bad(
    SQL,
    'apps/issuer-api/src/issuance/requests/__fixture__.handler.ts',
    'export const f = (tx: { em: unknown }) => tx.em;',
    /only repositories use the transaction/,
  ),
  bad(
    SQL,
    'apps/issuer-api/src/help-desk/__fixture__.service.ts',
    "export const f = (ds: { query(s: string): unknown }) => ds.query('SELECT 1');",
    /belong in a \*\.repository\.ts file/,
  ),
  bad(
    SQL,
    'apps/issuer-api/src/trust/__fixture__.handler.ts',
    'export const f = (m: { createQueryBuilder(): unknown }) => m.createQueryBuilder();',
    /belong in a \*\.repository\.ts file/,
  ),
  bad(
    SQL,
    'apps/issuer-api/src/pki/__fixture__.service.ts',
    "import { InjectDataSource } from '@nestjs/typeorm';\nexport class S { constructor(@InjectDataSource() readonly ds: unknown) {} }",
    /only repositories inject the DataSource/,
  ),
  bad(
    SQL,
    'apps/issuer-api/src/trust/__fixture__.service.ts',
    "import { Inject } from '@nestjs/common';\nimport { DATA_SOURCE } from '../platform/infra/tokens';\nexport class S { constructor(@Inject(DATA_SOURCE) readonly ds: unknown) {} }",
    /only repositories inject the DataSource/,
  ),
  ok(
    SQL,
    'apps/issuer-api/src/issuance/requests/__fixture__.repository.ts',
    "import { InjectDataSource } from '@nestjs/typeorm';\nexport class R { constructor(@InjectDataSource() readonly ds: { query(s: string): unknown }) {}\n  q(tx: { em: { query(s: string): unknown } }) { return tx.em.query('SELECT 1'); } }",
  ),
  ok(
    SQL,
    'apps/issuer-api/src/issuance/requests/__fixture__.handler.ts',
    'export const f = (queries: { execute(q: unknown): unknown }) => queries.execute({});',
  ),
];

/*
 * ESLint loads eslint.config.mjs with import(), which jest's module sandbox refuses: the cases are
 * linted by the ESLint Node API in a plain node process, which prints the no-restricted-imports
 * and no-restricted-syntax messages of each case.
 */
const LINTER = String.raw`
const { ESLint } = require('eslint');
(async () => {
  const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const c of cases) {
    const [r] = await eslint.lintText(c.code + '\n', { filePath: c.filePath, warnIgnored: true });
    out.push(r.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax' || m.fatal || /ignored/.test(m.message)).map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('import and repository boundaries (eslint.config.mjs)', () => {
  let messages: string[][];
  beforeAll(() => {
    const r = spawnSync(process.execPath, ['-e', LINTER], {
      cwd: ROOT,
      input: JSON.stringify(CASES.map(({ filePath, code }) => ({ filePath, code }))),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    messages = JSON.parse(r.stdout) as string[][];
  });

  it.each(CASES.map((c, i) => [c.rule, c.fires ? 'refuses' : 'allows', c.filePath, c.code.split('\n').join(' | '), i] as const))(
    '%s: %s in %s: %s',
    (_rule, _verdict, _file, _code, i) => {
      const { fires } = CASES[i];
      if (fires) {
        expect(messages[i]).toEqual([expect.stringMatching(fires)]);
      } else {
        expect(messages[i]).toEqual([]);
      }
    },
  );
});
