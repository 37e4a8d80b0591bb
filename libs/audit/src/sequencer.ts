import { chainPending, type Queryable } from './audit-store';

/** Runs `fn` in a transaction of its own (READ COMMITTED) and commits it. */
export type InTransaction = <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>;

export interface AuditSequencerOptions {
  /** Events chained per transaction of the sequencer. */
  batch?: number;
  /** Told of a pass that failed (the events stay unchained until the next pass). */
  onError?: (e: unknown) => void;
  /**
   * How long a kick waits for other commits to share its pass (default 0: a pass at once, or right
   * after the one under way). A pass costs a transaction of six statements whatever it chains. A
   * kick that comes while a pass runs waits this long after that pass, so under steady load passes
   * come at most once per pass time plus linger instead of back to back. settle() never waits for it.
   */
  lingerMs?: number;
}

/**
 * Places committed events in the audit chain, in batches, the way a transparency log's sequencer
 * does: writers insert their events unchained in their own transactions (appendAudit) and then ask
 * for a pass (kick, or settle to wait for it); every writer that asks while a pass runs shares the
 * next one, so one sequencer transaction chains the events of many commits. Across processes the chain lock makes
 * one sequencer chain at a time; a pass waits for the other's commit and then chains what is left.
 */
export class AuditSequencer {
  private current: Promise<number> | null = null;
  private next: Promise<number> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private linger: NodeJS.Timeout | undefined;
  /** A kick came while the pass under way ran: it lingers once that pass ends. */
  private kickedDuringPass = false;
  private readonly batch: number;

  constructor(
    private readonly inTransaction: InTransaction,
    private readonly opts: AuditSequencerOptions = {},
  ) {
    this.batch = opts.batch ?? 5000;
  }

  /**
   * Resolves (with the number of events it chained) once a pass that began after this call has
   * finished: every event committed before the call is then in the chain.
   */
  settle(): Promise<number> {
    clearTimeout(this.linger);
    this.linger = undefined;
    if (this.next) return this.next;
    if (!this.current) return this.start();
    this.next = this.current.then(
      () => this.start(),
      () => this.start(),
    );
    return this.next;
  }

  /** Asks for a pass without waiting for it (a writer right after its commit). */
  kick(): void {
    const wait = this.opts.lingerMs ?? 0;
    if (wait <= 0) {
      this.settle().catch(() => undefined);
      return;
    }
    // A pass already asked for (one to follow the current, or a kick lingering) takes this commit too.
    if (this.next || this.linger) return;
    if (this.current) {
      this.kickedDuringPass = true;
      return;
    }
    this.linger = setTimeout(() => this.settle().catch(() => undefined), wait);
  }

  /** Also chains on a timer: events whose writer stopped between its commit and its pass. */
  poll(everyMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      this.settle().catch(() => undefined);
    }, everyMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for the pass under way; a kick still waiting gets its pass now. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.linger || (this.kickedDuringPass && !this.current && !this.next)) {
        clearTimeout(this.linger);
        this.linger = undefined;
        this.settle().catch(() => undefined);
      }
      if (!this.current && !this.next) return;
      await Promise.all([this.current, this.next].map((p) => p?.catch(() => undefined)));
    }
  }

  private start(): Promise<number> {
    this.next = null;
    // This pass chains every commit before it: kicks so far are served.
    this.kickedDuringPass = false;
    const p = this.pass().finally(() => {
      if (this.current === p) this.current = null;
      if (this.kickedDuringPass && !this.next && !this.current) {
        this.kickedDuringPass = false;
        this.kick();
      }
    });
    this.current = p;
    return p;
  }

  private async pass(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.inTransaction((tx) => chainPending(tx, this.batch));
        total += n;
        if (n < this.batch) return total;
      }
    } catch (e) {
      this.opts.onError?.(e);
      throw e;
    }
  }
}
