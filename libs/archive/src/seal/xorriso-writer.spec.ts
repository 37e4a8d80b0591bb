import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIso } from '../iso/iso9660-reader';
import { ArchiveError } from '../archive-errors';
import { xorrisoWriter } from './xorriso-writer';

/**
 * The writer against xorriso interrupted from outside. Each case runs a wrapper script in place
 * of xorriso that counts its runs in `runs` and behaves as the case needs on the first run.
 */
describe('xorriso writer: a run stopped by a signal is written again once, any other failure is reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scm-xorriso-spec-'));
  const root = join(dir, 'root');
  let n = 0;
  beforeAll(() => {
    mkdirSync(root);
    writeFileSync(join(root, 'MANIFEST.JSON'), '{}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A wrapper: `first` runs on the first call (and on every call when `always`), real xorriso after. */
  function wrapper(first: string, always = false): { bin: string; runs: () => number; out: string } {
    const d = join(dir, `case${++n}`);
    mkdirSync(d);
    const bin = join(d, 'xorriso');
    writeFileSync(
      bin,
      [
        '#!/bin/bash',
        `D=${JSON.stringify(d)}`,
        'echo run >> "$D/runs"',
        `if ${always ? 'true' : '[ "$(wc -l < "$D/runs")" -eq 1 ]'}; then`,
        first,
        'fi',
        'exec xorriso "$@"',
        '',
      ].join('\n'),
    );
    chmodSync(bin, 0o755);
    const runs = () => (existsSync(join(d, 'runs')) ? readFileSync(join(d, 'runs'), 'utf8').trim().split('\n').length : 0);
    return { bin, runs, out: join(d, 'out.iso') };
  }

  it('real xorriso caught SIGTERM while writing: the image is written again and is whole', async () => {
    // The first run writes into a FIFO nobody reads, so xorriso blocks in its writer thread;
    // once it is blocked there (its signal handlers are set by then), it gets SIGTERM.
    const w = wrapper(
      [
        '  args=("$@"); for i in "${!args[@]}"; do [ "${args[$i]}" = -o ] && args[$((i+1))]="$D/fifo"; done',
        '  mkfifo "$D/fifo"; xorriso "${args[@]}" & pid=$!',
        '  for _ in $(seq 200); do grep -qs wait_for_partner /proc/$pid/task/*/wchan && break; sleep 0.05; done',
        '  kill -TERM $pid; wait $pid; exit $?',
      ].join('\n'),
    );
    const retries: string[] = [];
    await xorrisoWriter(w.bin, { onRetry: (why) => retries.push(why) })(root, w.out, 'SCM_SPEC');
    expect(w.runs()).toBe(2);
    expect(retries).toEqual(['stopped by SIGTERM, which SCM did not send']);
    expect(readIso(readFileSync(w.out)).files.map((f) => f.path)).toEqual(['MANIFEST.JSON']);
  });

  it('a run killed outright (SIGKILL) is written again', async () => {
    const w = wrapper('  kill -KILL $$');
    const retries: string[] = [];
    await xorrisoWriter(w.bin, { onRetry: (why) => retries.push(why) })(root, w.out, 'SCM_SPEC');
    expect(w.runs()).toBe(2);
    expect(retries).toEqual(['stopped by SIGKILL, which SCM did not send']);
    expect(readIso(readFileSync(w.out)).volumeId).toBe('SCM_SPEC');
  });

  it('interrupted twice: the error names the signal and the attempts', async () => {
    const w = wrapper('  echo "UNIX-SIGNAL:  SIGHUP  errno= 2" >&2; echo "xorriso : ABORT : Program done." >&2; exit 1', true);
    const err = await xorrisoWriter(w.bin)(root, w.out, 'SCM_SPEC').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).message).toBe('xorriso failed (after 2 attempts, exit 1): stopped by SIGHUP, which SCM did not send');
    expect((err as ArchiveError).code).toBe('archive.writer-failed');
    expect(w.runs()).toBe(2);
  });

  it('an ordinary failure is not retried and is reported with xorriso’s own words', async () => {
    const w = wrapper(
      [
        '  echo "libburn : SORRY : Neither stdio-path nor its directory exist" >&2',
        '  echo "xorriso : FAILURE : Cannot acquire drive" >&2; exit 5',
      ].join('\n'),
    );
    const err = await xorrisoWriter(w.bin)(root, w.out, 'SCM_SPEC').catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'xorriso failed (exit 5): libburn : SORRY : Neither stdio-path nor its directory exist; xorriso : FAILURE : Cannot acquire drive',
    );
    expect(w.runs()).toBe(1);
  });

  it('a missing program is reported as such', async () => {
    const err = await xorrisoWriter(join(dir, 'no-such-xorriso'))(root, join(dir, 'x.iso'), 'SCM_SPEC').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^xorriso could not be started: .*ENOENT/);
  });
});
