import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PcscCardChannel, ReaderHost } from '@scm/pcsc';
import { PivSession } from '@scm/piv';
import { WORKER_CONFIG, type WorkerConfig } from '../worker-config';
import { measure } from './attempt-clock';

/** A card session handed to a caller: the PIV session, the raw channel, and its APDU count. */
export interface CardAccess {
  session: PivSession;
  channel: PcscCardChannel;
  atr: string;
  apdus(): number;
}

/**
 * Exclusive use of one reader's card at a time within this worker (personalisation, inspection,
 * activation queue up per reader), over a PC/SC channel with a deadline per APDU; other readers
 * are never blocked. The card is reset when a use ends, so no PIN or key state outlives it.
 * Each reader has one reader host process for the worker's life (a card session is an
 * SCardConnect in it, not a process start); a host killed by a deadline or crashed is started
 * again at the next use.
 */
@Injectable()
export class ReaderAccessService implements OnModuleDestroy {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly hosts = new Map<string, ReaderHost>();

  constructor(@Inject(WORKER_CONFIG) private readonly cfg: WorkerConfig) {}

  /** Whether the reader's card is in use by this worker right now. */
  busy(reader: string): boolean {
    return this.queues.has(reader);
  }

  /** The reader's long-lived host (made at its first use). */
  hostOf(reader: string): ReaderHost {
    let h = this.hosts.get(reader);
    if (!h) {
      h = new ReaderHost(reader);
      this.hosts.set(reader, h);
    }
    return h;
  }

  /** Starts a reader's host before its first card (a reader just found). */
  warm(reader: string): void {
    this.hostOf(reader).start();
  }

  /** Stops a reader's host (the reader is gone); a later use starts a new one. */
  async release(reader: string): Promise<void> {
    const h = this.hosts.get(reader);
    this.hosts.delete(reader);
    await h?.close();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
    await Promise.allSettled([...this.hosts.values()].map((h) => h.close()));
    this.hosts.clear();
  }

  use<T>(reader: string, fn: (card: CardAccess) => Promise<T>): Promise<T> {
    const prev = this.queues.get(reader) ?? Promise.resolve();
    const run = prev.then(async () => {
      const channel = await measure('reader:open', () =>
        PcscCardChannel.open(reader, { share: 'exclusive', timeoutMs: this.cfg.SCM_CARD_TIMEOUT_MS, host: this.hostOf(reader) }),
      );
      let n = 0;
      const counted = {
        transmit: (apdu: Uint8Array) => {
          n++;
          return measure('card', () => channel.transmit(apdu));
        },
      };
      try {
        const atr = channel.atr;
        const session = await PivSession.open(counted, { atr: new Uint8Array(Buffer.from(atr, 'hex')) });
        return await fn({ session, channel, atr, apdus: () => n });
      } finally {
        await measure('reader:close', () => channel.close('reset'));
      }
    });
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(reader, tail);
    void tail.then(() => {
      if (this.queues.get(reader) === tail) this.queues.delete(reader);
    });
    return run;
  }
}
