import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { ArchiveError, ArchiveErrorCode } from '../archive-errors';
import type { IsoWriter } from './archive-ports';

/**
 * The arguments of the image SCM writes with xorriso (in its mkisofs emulation, which writes a
 * plain image from sector 0; native `-outdev` on a file leaves room for multi-session emulation):
 * Rock Ridge with readable modes and root ownership (-r), Joliet (-J), no trailing padding.
 */
export function xorrisoArgs(rootDir: string, outFile: string, volumeId: string): string[] {
  return ['-no_rc', '-as', 'mkisofs', '-o', outFile, '-r', '-J', '-V', volumeId, '-no-pad', '-quiet', rootDir];
}

/** What one xorriso run ended with. */
interface XorrisoRun {
  code: number | null;
  /** The signal that stopped it: the one it died of, or the one it caught and reported ("UNIX-SIGNAL: SIGTERM"). */
  signal?: string;
  stderr: string;
}

function runXorriso(binary: string, args: string[]): Promise<XorrisoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
    child.on('error', (e) =>
      reject(new ArchiveError(ArchiveErrorCode.WriterFailed, `xorriso could not be started: ${e.message}`, {}, { cause: e })),
    );
    child.on('close', (code, killedBy) => {
      // xorriso (libburn) catches most signals, shuts its drive down, prints "UNIX-SIGNAL: SIGxxx"
      // and exits 1; SIGKILL and the like it cannot catch.
      const caught = /UNIX-SIGNAL:\s+(SIG[A-Z0-9]+)/.exec(stderr)?.[1];
      resolve({ code, signal: killedBy ?? caught, stderr });
    });
  });
}

/** The lines of xorriso's report that say why it failed. */
function why(run: XorrisoRun): string {
  if (run.signal) return `stopped by ${run.signal}, which SCM did not send`;
  const lines = run.stderr.split('\n').map((l) => l.trim());
  return lines.filter((l) => /FAILURE|SORRY|FATAL/.test(l)).join('; ') || lines.filter(Boolean).pop() || 'no message';
}

/**
 * An IsoWriter running xorriso (Debian `xorriso`). A run stopped by a signal from outside (SCM
 * never signals xorriso) is written once more from the start, since the staged image is
 * discarded anyway; a second interruption, or any other failure, is reported with its cause.
 */
export function xorrisoWriter(binary = 'xorriso', opts: { onRetry?: (reason: string) => void } = {}): IsoWriter {
  return async (rootDir, outFile, volumeId) => {
    const args = xorrisoArgs(rootDir, outFile, volumeId);
    for (let attempt = 1; ; attempt++) {
      const run = await runXorriso(binary, args);
      if (run.code === 0 && !run.signal) return;
      if (run.signal && attempt === 1) {
        opts.onRetry?.(why(run));
        await rm(outFile, { force: true });
        continue;
      }
      throw new ArchiveError(
        ArchiveErrorCode.WriterFailed,
        `xorriso failed (${run.signal ? `after ${attempt} attempts, ` : ''}exit ${run.code ?? run.signal}): ${why(run)}`,
        { exitCode: run.code, signal: run.signal ?? null, attempts: attempt },
      );
    }
  };
}
