import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mapPcscError, PcscError, PcscErrorCode } from './pcsc-errors';
import type { HostReply, HostRequest } from './reader-host.protocol';

export interface CardChannelOptions {
  /** Exclusive use for the length of the session (pcsclite has no Begin/EndTransaction). */
  share?: 'exclusive' | 'shared';
  protocols?: Array<'T0' | 'T1'>;
  /** Deadline of one exchange with the card, in ms. */
  timeoutMs?: number;
  /** A long-lived reader host to run the session in (left running at close); default: one of the session's own. */
  host?: ReaderHost;
}

/** The one-method transport every protocol layer wraps. */
export interface CardTransport {
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

/** Where the compiled reader host lives; from TypeScript sources (jest) it is the build's copy. */
function hostScript(): string {
  if (__filename.endsWith('.js')) return join(__dirname, 'reader-host.js');
  const built = resolve(__dirname, '../../../dist/libs/pcsc/src/reader-host.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build"`);
  return built;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Pending = { resolve: (r: HostReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * The child process doing one reader's card I/O (reader-host.ts). A request that outlives its
 * deadline kills the child: the caller gets a typed timeout, and the next request starts a new
 * child. Long-lived: one per reader for the life of its owner (a card worker), so a card session
 * costs an SCardConnect, not a process start. A child that dies (killed, crashed) is started again
 * at the next request; the session it held is gone (`sessionLost` is called).
 */
export class ReaderHost {
  private child: ChildProcess | undefined;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  /** Called when the child stops with a card session open in it. */
  onLost: (() => void) | undefined;
  /** How many children were started (a crashed or killed host is restarted). */
  starts = 0;

  constructor(readonly reader: string) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawn(): ChildProcess {
    // env is passed explicitly: the reader host must see this process's PCSCLITE_CSOCK_NAME as it is
    // now (jest gives tests their own process.env object, which fork's default would bypass).
    const child = fork(hostScript(), [], { env: process.env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.starts++;
    child.on('message', (m: HostReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      p.resolve(m);
    });
    child.on('exit', () => {
      if (this.child === child) {
        this.child = undefined;
        this.onLost?.();
      }
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new PcscError(PcscErrorCode.Other, `${this.reader}: the reader host stopped`, { reader: this.reader }));
        this.pending.delete(id);
      }
    });
    // An idle host must not keep its owner's process alive.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return child;
  }

  /** Starts the child now (it loads pcsclite and finds the readers), so the first card session does not wait for it. */
  start(): void {
    this.child ??= this.spawn();
  }

  /** One exchange with the child, with a deadline; past it the child is killed. */
  request(req: WithoutId<HostRequest>, what: string, timeoutMs: number): Promise<HostReply & { ok: true }> {
    this.child ??= this.spawn();
    const child = this.child;
    const id = ++this.seq;
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    return new Promise<HostReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        if (this.child === child) {
          this.child = undefined;
          this.onLost?.();
        }
        child.kill('SIGKILL');
        reject(
          new PcscError(PcscErrorCode.Timeout, `${this.reader}: no answer to ${what} within ${timeoutMs} ms`, {
            reader: this.reader,
            timeoutMs,
          }),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ ...req, id } as HostRequest);
    })
      .finally(() => {
        if (this.pending.size === 0) (child.channel as { unref?: () => void } | undefined)?.unref?.();
      })
      .then((r) => {
        if (!r.ok) throw mapPcscError(new Error(r.error), this.reader);
        return r;
      });
  }

  /** Stops the child (its card session, if any, ends with it). */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.disconnect();
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        r();
      }, 2000);
      child.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
}

/**
 * A card session on one reader over PC/SC. Card I/O runs in a reader host child process with a
 * deadline per exchange: when it passes, the child is killed, the session is closed and the caller
 * gets a typed timeout; the other readers are not affected. One exchange at a time: overlapping use
 * is an error. Given a long-lived `host`, the session uses it and leaves it running when it closes;
 * without one, the session starts a host of its own and stops it at close.
 */
export class PcscCardChannel implements CardTransport {
  private readonly host: ReaderHost;
  private readonly ownHost: boolean;
  private busy = false;
  private connected = false;
  /** An exchange failed: the host is restarted at close. */
  private faulted = false;
  protocol: 'T0' | 'T1' = 'T1';
  atr = '';

  private constructor(
    readonly reader: string,
    private readonly opts: Required<Omit<CardChannelOptions, 'host'>>,
    host: ReaderHost | undefined,
  ) {
    this.ownHost = !host;
    this.host = host ?? new ReaderHost(reader);
    if (this.host.reader !== reader) throw new Error(`the reader host of ${this.host.reader} cannot open ${reader}`);
    // A host that dies takes the session with it.
    this.host.onLost = () => {
      this.connected = false;
    };
  }

  static async open(reader: string, options: CardChannelOptions = {}): Promise<PcscCardChannel> {
    const ch = new PcscCardChannel(
      reader,
      {
        share: options.share ?? 'exclusive',
        protocols: options.protocols ?? ['T0', 'T1'],
        timeoutMs: options.timeoutMs ?? 15000,
      },
      options.host,
    );
    try {
      await ch.connect();
    } catch (e) {
      // A failed connect (no card yet, sharing violation) must not leave a host of its own running:
      // its IPC channel would keep the caller's process alive.
      await ch.close();
      throw e;
    }
    return ch;
  }

  get isOpen(): boolean {
    return this.connected;
  }

  private request(req: WithoutId<HostRequest>, what: string): Promise<HostReply & { ok: true }> {
    return this.host.request(req, what, this.opts.timeoutMs).catch((e: unknown) => {
      if (e instanceof PcscError && e.code === PcscErrorCode.Timeout) this.connected = false;
      throw e;
    });
  }

  private async connect(): Promise<void> {
    const r = await this.request({ op: 'connect', reader: this.reader, share: this.opts.share, protocols: this.opts.protocols }, 'connect');
    this.protocol = r.protocol ?? 'T1';
    this.atr = r.atr ?? '';
    this.connected = true;
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (this.busy) throw new PcscError(PcscErrorCode.ReaderBusy, `${this.reader}: another exchange is in flight`, { reader: this.reader });
    if (!this.connected)
      throw new PcscError(PcscErrorCode.NotConnected, `${this.reader}: the card session is closed`, { reader: this.reader });
    this.busy = true;
    try {
      const r = await this.request({ op: 'transmit', apdu }, 'an APDU');
      return r.data ?? new Uint8Array();
    } catch (e) {
      this.faulted = true;
      throw e;
    } finally {
      this.busy = false;
    }
  }

  /** pcsclite has no SCardReconnect: disconnect (resetting the card if asked) and connect again. */
  async reconnect(reset = true): Promise<void> {
    if (this.connected) {
      await this.request({ op: 'disconnect', disposition: reset ? 'reset' : 'leave' }, 'disconnect').catch(() => undefined);
      this.connected = false;
    }
    await this.connect();
  }

  /**
   * Ends the session. A long-lived host is left running, unless the session failed (a card pulled
   * out, a reader gone, no answer): pcscd may keep such a session's handle, and the reader then
   * refuses the next card until the client that holds it goes away, so the host is stopped too (it
   * starts again at the next session).
   */
  async close(disposition: 'leave' | 'reset' | 'unpower' = 'leave'): Promise<void> {
    if (this.connected)
      await this.request({ op: 'disconnect', disposition }, 'disconnect').catch(() => {
        this.faulted = true;
      });
    this.connected = false;
    if (this.ownHost || this.faulted) await this.host.close();
  }
}
