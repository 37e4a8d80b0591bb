import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  blankCardState,
  SoftPivBackend,
  stateFromJson,
  stateToJson,
  type SoftCardState,
  type SoftCardStateJson,
  type SoftPivBackendOptions,
} from './soft-piv-backend';

/**
 * A persistent test card: the software backend whose state lives in a JSON file, rewritten
 * atomically (temp file, fsync, rename, fsync of the directory) after every change and before
 * the card answers. The file holds private keys in the clear (mode 0600): it is a test card,
 * not a place for production keys — a VSC is.
 */
export class FilePivBackend extends SoftPivBackend {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    state: SoftCardState,
  ) {
    super(state);
  }

  /**
   * Opens the card stored at `path`, or creates a blank one there. Identity options apply only
   * when the file is created; a `serial` that contradicts an existing file is an error.
   */
  static async open(path: string, opts: SoftPivBackendOptions = {}): Promise<FilePivBackend> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text === undefined) {
      const card = new FilePivBackend(path, blankCardState(opts));
      await card.persist();
      return card;
    }
    let state: SoftCardState;
    try {
      state = stateFromJson(JSON.parse(text) as SoftCardStateJson);
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
    }
    if (opts.serial !== undefined && opts.serial !== state.identity.serial) {
      throw new Error(`${path} holds the card with serial ${state.identity.serial}, not ${opts.serial}`);
    }
    return new FilePivBackend(path, state);
  }

  protected override persist(): Promise<void> {
    const text = `${JSON.stringify(stateToJson(this.state), null, 1)}\n`;
    this.writing = this.writing.catch(() => undefined).then(() => writeAtomically(this.path, text));
    return this.writing;
  }

  /** Resolves once every change so far is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
