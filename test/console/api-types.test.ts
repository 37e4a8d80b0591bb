import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type RunningApi } from '@scm/test-kit';

/**
 * The console's API types (apps/console/src/api/schema.d.ts) are generated from the API's OpenAPI
 * document. This test fails when the committed file no longer matches the API; run
 * `npm run console:api-types` (in a sandbox) to regenerate it.
 */
const ROOT = join(__dirname, '..', '..');
const SCHEMA = join(ROOT, 'apps', 'console', 'src', 'api', 'schema.d.ts');
const HEADER = "// Generated from the issuer API's OpenAPI document by `npm run console:api-types`. Do not edit.\n";

describe('console API types', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('match the OpenAPI document the API serves', async () => {
    let text = '';
    const doc = (await (await fetch(`${api.url}/api/docs-json`)).json()) as Record<string, unknown>;
    const dir = mkdtempSync(join(tmpdir(), 'scm-openapi-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      // openapi-typescript is an ES module (jest runs CommonJS here): its command line does the work.
      const r = spawnSync(
        join(ROOT, 'node_modules', '.bin', 'openapi-typescript'),
        [join(dir, 'openapi.json'), '--alphabetize', '-o', join(dir, 'schema.d.ts')],
        {
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`openapi-typescript: ${r.stderr}`);
      text = HEADER + readFileSync(join(dir, 'schema.d.ts'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (process.env.SCM_WRITE_API_TYPES === '1') {
      writeFileSync(SCHEMA, text);
    }
    expect(readFileSync(SCHEMA, 'utf8')).toBe(text);
  });
});
