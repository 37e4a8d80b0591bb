import { isRequestState, isTerminal } from '../../issuance/requests/request-state';
import type { ProgressEvent } from './progress-events.repository';
import type { CardProgress } from './progress-views.repository';

/** Where a progress stream writes (server-sent events) and how it ends. */
export interface ProgressSink {
  send(event: 'snapshot' | 'state' | 'step' | 'reset', data: unknown): void;
  end(): void;
}

/**
 * One progress stream: the requests of a batch (or one request). Events that arrive while the
 * snapshot is read are held and sent after it; then each state change and step of the followed
 * requests is sent, and the stream ends once every request is closed (issued, failed, cancelled).
 */
export class ProgressStream {
  private readonly ids = new Set<string>();
  private readonly states = new Map<string, string>();
  private readonly held: ProgressEvent[] = [];
  private started = false;

  constructor(
    private readonly batchId: string | undefined,
    private readonly sink: ProgressSink,
  ) {}

  /** An event as the database announced it. */
  push(e: ProgressEvent): void {
    if (!(this.ids.has(e.requestId) || (this.batchId && e.batchId === this.batchId))) return;
    if (!this.started) return void this.held.push(e);
    if (e.type === 'state') {
      this.states.set(e.requestId, e.state);
      this.sink.send('state', e);
      if (this.allClosed()) this.sink.end();
    } else this.sink.send('step', e);
  }

  /** The snapshot read once following began: sent, then the events held meanwhile. */
  start(snapshot: CardProgress[]): void {
    for (const c of snapshot) {
      this.ids.add(c.requestId);
      this.states.set(c.requestId, c.state);
    }
    this.started = true;
    this.sink.send('snapshot', { cards: snapshot });
    for (const e of this.held.splice(0)) this.push(e);
    if (this.allClosed()) this.sink.end();
  }

  /** Events may have been missed: the client reads the state again. */
  reset(): void {
    this.sink.send('reset', { reason: 'the progress listener reconnects; read the state again' });
    this.sink.end();
  }

  /** Every request ended, or waits for an officer's decision (failed-card): nothing moves by itself any more. */
  private allClosed(): boolean {
    return [...this.states.values()].every((s) => isRequestState(s) && (isTerminal(s) || s === 'failed-card'));
  }
}
