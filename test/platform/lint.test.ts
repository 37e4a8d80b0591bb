import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/** The code base stays typed, linted and formatted: the same checks as `npm run lint`. */
describe('static checks', () => {
  it.each([
    ['TypeScript (strict)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
    ['ESLint', bin('eslint'), ['.']],
    ['Prettier', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
  ])('%s passes', async (_name, cmd, args) => {
    const r = await run(cmd, args, { cwd: ROOT, maxBuffer: 64 << 20, timeout: 600_000 }).then(
      (x) => ({ code: 0, out: `${x.stdout}${x.stderr}` }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect([r.code, r.out.trim().split('\n').slice(0, 40).join('\n')]).toEqual([0, expect.any(String)]);
  });
});
