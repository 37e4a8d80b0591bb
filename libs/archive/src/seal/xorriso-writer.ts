import { spawn } from 'node:child_process';
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

/** An IsoWriter running xorriso (Debian `xorriso`). */
export function xorrisoWriter(binary = 'xorriso'): IsoWriter {
  return (rootDir, outFile, volumeId) =>
    new Promise((resolve, reject) => {
      const child = spawn(binary, xorrisoArgs(rootDir, outFile, volumeId), { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.on('error', (e) =>
        reject(new ArchiveError(ArchiveErrorCode.WriterFailed, `xorriso could not be started: ${e.message}`, {}, { cause: e })),
      );
      child.on('close', (code) => {
        if (code === 0) resolve();
        else {
          const why =
            err
              .split('\n')
              .filter((l) => /FAILURE|SORRY|FATAL/.test(l))
              .join('; ') ||
            err.trim().split('\n').pop() ||
            '';
          reject(new ArchiveError(ArchiveErrorCode.WriterFailed, `xorriso failed (exit ${code}): ${why}`, { exitCode: code }));
        }
      });
    });
}
