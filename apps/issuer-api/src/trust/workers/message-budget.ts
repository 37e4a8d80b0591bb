/**
 * A per-connection budget of channel messages (a token bucket): a worker may send `burst` messages
 * at once and `perSecond` after that. Each message can cost an audited transaction, and audited
 * transactions share the audit chain's lock, so one connection must not be able to flood it.
 */
export class MessageBudget {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Whether one more message (costing `cost`: one per event it carries) fits now, and takes it. */
  take(now = Date.now(), cost = 1): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}

/** What a worker's channel allows: readers and steps report a few times a second at most. */
export const CHANNEL_MESSAGES_PER_SECOND = 50;
export const CHANNEL_MESSAGE_BURST = 200;
