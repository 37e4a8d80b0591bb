/** One event as the channel carries it (a step report, an attempt's plan). */
export interface ChannelEvent {
  event: string;
  data: Record<string, unknown>;
}

/** How long a step report may wait for the ones after it before its batch goes out. */
export const EVENT_LINGER_MS = 250;
/** The most events one channel message carries (the API refuses more). */
export const EVENT_BATCH_MAX = 32;

/**
 * Collects events for the channel and sends them together: the first one waits at most `lingerMs`
 * for those after it, a full batch goes at once, and `flush()` sends what waits now (before a report
 * that must be recorded after them). The API records a batch in one transaction instead of one per
 * report. Order is kept; when the channel is down every event of the batch goes to `fallback`
 * (the worker POSTs it), so none is dropped silently.
 */
export class EventBatch {
  private pending: ChannelEvent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (events: ChannelEvent[]) => boolean,
    private readonly fallback: (e: ChannelEvent) => void,
    private readonly lingerMs = EVENT_LINGER_MS,
    private readonly max = EVENT_BATCH_MAX,
  ) {}

  add(e: ChannelEvent): void {
    this.pending.push(e);
    if (this.pending.length >= this.max) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
  }

  /** Sends every waiting event now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0 || this.send(batch)) return;
    for (const e of batch) this.fallback(e);
  }
}
