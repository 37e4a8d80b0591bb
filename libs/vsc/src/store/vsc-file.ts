import { constants } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { VirtualSmartCard, type StateSink, type VscDeps } from '../control/virtual-smart-card';

/**
 * A VSC kept as a standalone file: loads it through the consistency check and rewrites it
 * atomically (temporary file, fsync, rename; mode 0600) whenever its state or content changes.
 * The file I/O edge of libs/vsc; the format and crypto stay pure.
 */
export class VscFile {
  private constructor(
    readonly path: string,
    readonly vsc: VirtualSmartCard,
  ) {}

  /** Reads and checks the file; state changes (retry counters, status) are written back at once. */
  static async open(path: string, deps: VscDeps): Promise<VscFile> {
    const bytes = await readFile(path);
    const sink: StateSink = async (state, vsc) => {
      const file = await vsc.standaloneFileWithState(state);
      if (file) await writeFileAtomic(path, file);
    };
    const vsc = await VirtualSmartCard.load(bytes, deps, { sink });
    return new VscFile(path, vsc);
  }

  /** Seals pending changes as a new version and writes the file. */
  async save(): Promise<Buffer> {
    const bytes = await this.vsc.toStandaloneFile();
    await writeFileAtomic(this.path, bytes);
    return bytes;
  }
}

/** Writes a file so that a crash leaves either the old or the new content, never a mix. */
export async function writeFileAtomic(path: string, data: Uint8Array, opts: { exclusive?: boolean } = {}): Promise<void> {
  if (opts.exclusive) {
    // Refuse to overwrite: the check and the creation are one system call.
    const h = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    await h.close();
  }
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const h = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await h.writeFile(data);
    await h.sync();
  } catch (e) {
    await h.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await h.close();
  await rename(tmp, path);
}
