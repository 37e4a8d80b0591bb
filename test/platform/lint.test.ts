import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/**
 * Caches of the three tools, outside the work tree and one per checkout (they name files by
 * absolute path); each tool checks a cached file again when its content or the tool's
 * configuration changed, so a cache only saves work and never hides a finding.
 */
const CACHE = join(tmpdir(), `scm-lint-cache-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);

const CHECKS = [
  [
    'TypeScript (strict)',
    bin('tsc'),
    ['-p', 'tsconfig.json', '--noEmit', '--incremental', '--tsBuildInfoFile', join(CACHE, 'tsc.tsbuildinfo')],
  ],
  [
    'TypeScript (console, strict, DOM)',
    bin('tsc'),
    ['-p', 'apps/console/tsconfig.json', '--incremental', '--tsBuildInfoFile', join(CACHE, 'tsc-console.tsbuildinfo')],
  ],
  ['ESLint', bin('eslint'), ['.', '--cache', '--cache-strategy', 'content', '--cache-location', join(CACHE, 'eslint')]],
  [
    'Prettier',
    bin('prettier'),
    ['--check', '.', '--log-level', 'warn', '--cache', '--cache-strategy', 'content', '--cache-location', join(CACHE, 'prettier')],
  ],
] as const;

type Outcome = { code: number; out: string };

/** The code base stays typed, linted and formatted: the same checks as `npm run lint`. */
describe('static checks', () => {
  // The three run side by side (each is one process on one core); each test waits for its own.
  const outcomes = new Map<string, Promise<Outcome>>();
  beforeAll(() => {
    mkdirSync(CACHE, { recursive: true });
    for (const [name, cmd, args] of CHECKS)
      outcomes.set(
        name,
        run(cmd, [...args], { cwd: ROOT, maxBuffer: 64 << 20, timeout: 600_000 }).then(
          (x) => ({ code: 0, out: `${x.stdout}${x.stderr}` }),
          (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
        ),
      );
  });

  it.each(CHECKS.map(([name]) => [name]))('%s passes', async (name) => {
    const r = await outcomes.get(name)!;
    expect([r.code, r.out.trim().split('\n').slice(0, 40).join('\n')]).toEqual([0, expect.any(String)]);
  });
});
