import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type CardLeaseView, PLAN_EVENT, STEP_EVENT, type StepReport } from '@scm/personalisation';
import { PivError } from '@scm/piv';
import type { Logger } from 'pino';
import { ChannelService } from '../channel/channel.service';
import { type ChannelEvent, EventBatch } from '../channel/event-batch';
import { EnrolmentService } from '../enrolment/enrolment.service';
import { ReadersService } from '../readers/readers.service';
import { CardUpdatesService } from '../updates/card-updates.service';
import { WORKER_CONFIG, WORKER_LOGGER, type WorkerConfig } from '../worker-config';
import { type CardFacts, CardPersonaliser, type PersonaliseOutcome } from './card-personaliser';
import { type AttemptTimes, summarise, timed } from './attempt-clock';
import { ReaderAccessService } from './reader-access.service';
import { WorkerApiClient, WorkerApiError } from './worker-api.client';

/** What a reader holds, as far as personalisation is concerned. */
export type SlotState =
  | 'empty'
  | 'inspecting'
  /** A blank card: it may take the next card job. */
  | 'blank'
  /** A card some request waits for (pulled out earlier, or its worker died): resumed at once. */
  | 'bound'
  | 'busy'
  /** A card personalised here, waiting to be taken out. */
  | 'issued'
  /** Anything else: a card issued before, a foreign card, a card that refused. */
  | 'other';

interface ReaderSlot {
  reader: string;
  state: SlotState;
  /** Changes with every insertion, so late results about an earlier card are ignored. */
  generation: number;
  facts?: CardFacts;
  reserved: boolean;
  /** Reads of this card that failed in a row (I/O), and attempts on it that stopped in a row. */
  ioFailures: number;
  attemptFailures: number;
  /** Attempts on this card the API took away in a row (superseded): each look again waits longer. */
  superseded: number;
  /** When the reader reported the card (for the attempt's log line). */
  insertedAt?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** After an attempt stopped by an error, when the slot looks at its card again. */
const RELOOK_AFTER_FAILURE_MS = 3000;
/** After an attempt the API took away (superseded), when the slot first looks at its card again; doubled each time in a row. */
const RELOOK_AFTER_SUPERSEDED_MS = 500;
/** After a card refused a step the API lets it retry, when the slot resumes it. */
const RELOOK_AFTER_REFUSAL_MS = 1000;
/** After a card could not be read (I/O, not a PIV answer), when the slot looks at it again. */
const INSPECT_RETRY_MS = 2000;
/** The longest wait before looking again at a card that keeps failing. */
const RETRY_CAP_MS = 60_000;

/** The wait before the n-th look again (n ≥ 1) at a card that keeps failing: doubling from `base`, at most a minute. */
export function retryDelay(base: number, failures: number, cap = RETRY_CAP_MS): number {
  return Math.min(cap, base * 2 ** Math.min(20, Math.max(0, failures - 1)));
}

/**
 * One slot per reader of this workstation. A card put into a reader is inspected (serial, CHUID)
 * and reported to the API, which leases this worker a card job for it: the request bound to the
 * card (resumed at once), or, for a blank card, the next request waiting for one. A slot holding a
 * blank card keeps asking every SCM_CARD_JOB_POLL_MS. The worker claims only what it was leased;
 * it never reaches Redis (the API hands out every job). Jobs are asked for only once the worker is
 * approved.
 */
@Injectable()
export class CardSlotsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly slots = new Map<string, ReaderSlot>();
  private readonly personaliser: CardPersonaliser;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private readonly running = new Set<Promise<unknown>>();
  /** Step reports on their way to the API, a batch per channel message. */
  private readonly reports = new EventBatch(
    (events) => this.channel.sendEvents(events),
    (e) => this.post(e),
  );
  /** Outcomes by request, for tests and the console (last one per request). */
  readonly outcomes = new Map<string, PersonaliseOutcome['kind']>();

  constructor(
    @Inject(WORKER_CONFIG) private readonly cfg: WorkerConfig,
    @Inject(WORKER_LOGGER) private readonly log: Logger,
    private readonly readers: ReadersService,
    private readonly enrolment: EnrolmentService,
    private readonly api: WorkerApiClient,
    private readonly channel: ChannelService,
    private readonly access: ReaderAccessService,
    private readonly updates: CardUpdatesService,
  ) {
    this.personaliser = new CardPersonaliser({
      api,
      get workerId() {
        return api.workerId;
      },
      kexKey: enrolment.identity.kexKey,
      apiKey: () => enrolment.apiPackageKey(),
      report: (r) => this.report(r),
      reportSettled: async (r) => {
        // The reports waiting for their batch go first: this one is recorded after them.
        this.reports.flush();
        const { requestId, ...body } = r;
        // Over HTTP: it is recorded after every report the channel carried before it.
        await this.api.step(requestId, body as unknown as Record<string, unknown>).catch(() => this.report(r));
      },
      plan: (requestId, attempt, steps) => this.reports.add({ event: PLAN_EVENT, data: { requestId, attempt, steps } }),
    });
  }

  onApplicationBootstrap(): void {
    const m = this.readers.monitor;
    m.on('card-inserted', (r) => {
      const s = this.slot(r.name);
      s.generation++;
      s.state = 'inspecting';
      s.facts = undefined;
      s.insertedAt = Date.now();
      s.ioFailures = s.attemptFailures = s.superseded = 0;
      void this.inspectWhenApproved(s, s.generation).catch((e: unknown) =>
        this.log.error({ reader: r.name, err: (e as Error).message }, 'card inspection failed; put the card in again'),
      );
    });
    m.on('card-removed', (r) => {
      const s = this.slot(r.name);
      s.generation++;
      s.state = 'empty';
      s.facts = undefined;
      this.wake();
    });
    m.on('reader-added', (r) => this.access.warm(r.name));
    m.on('reader-removed', (name) => {
      this.slots.delete(name);
      void this.access.release(name);
      this.wake();
    });
    if (this.cfg.SCM_CARD_JOBS) void this.dispatch();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.allSettled([...this.running]);
    this.reports.flush();
  }

  /** The slots as they stand (for the console and tests). */
  list(): Array<{ reader: string; state: SlotState; serial?: string }> {
    return [...this.slots.values()].map((s) => ({ reader: s.reader, state: s.state, ...(s.facts ? { serial: s.facts.serial } : {}) }));
  }

  /** The reader holding the card with this serial, if any. */
  readerOf(serial: string): string | undefined {
    return [...this.slots.values()].find((s) => s.facts?.serial === serial && s.state !== 'empty')?.reader;
  }

  private slot(reader: string): ReaderSlot {
    let s = this.slots.get(reader);
    if (!s) {
      s = { reader, state: 'empty', generation: 0, reserved: false, ioFailures: 0, attemptFailures: 0, superseded: 0 };
      this.slots.set(reader, s);
    }
    return s;
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }

  private report(r: StepReport): void {
    this.reports.add({ event: STEP_EVENT, data: r as unknown as Record<string, unknown> });
  }

  /** A report the channel could not carry goes by HTTP (reports are never dropped silently). */
  private post(e: ChannelEvent): void {
    const { requestId, ...body } = e.data;
    const id = String(requestId);
    void this.api.step(id, body).catch((err: unknown) => this.log.warn({ requestId: id, err: (err as Error).message }, 'step report lost'));
  }

  // ---------------------------------------------------------------- inspection

  private async inspectWhenApproved(s: ReaderSlot, generation: number): Promise<void> {
    await this.enrolment.whenApproved();
    // Let pcscd settle on the new card (it powers it up and polls it) before opening it exclusively.
    await sleep(150);
    if (s.generation === generation && !this.stopped) await this.track(this.inspect(s, generation));
  }

  /** Reads the card's serial and CHUID, asks the API whether a request waits for it, and acts. */
  private async inspect(s: ReaderSlot, generation: number): Promise<void> {
    let facts: CardFacts | undefined;
    let ioError: Error | undefined;
    for (let attempt = 0; attempt < 3 && !facts; attempt++) {
      try {
        ioError = undefined;
        facts = await this.access.use(s.reader, async ({ session, atr }) => {
          if (!atr) throw new Error('the reader reported no ATR');
          const id = await session.identity();
          return id.serial === undefined ? undefined : { serial: String(id.serial), atr, ...(id.guid ? { guid: id.guid } : {}) };
        });
        if (!facts) break;
      } catch (e) {
        if (s.generation !== generation) return;
        if (e instanceof PivError) break;
        ioError = e as Error;
        await sleep(300);
      }
    }
    if (s.generation !== generation) return;
    if (!facts && ioError) {
      // The reader or the card did not answer (a card still settling, pcscd busy): not a verdict on
      // the card. Look again rather than leave a blank card unattended in the reader.
      // A card that stays unreadable is looked at less and less often (up to once a minute).
      s.state = 'inspecting';
      const retryInMs = retryDelay(INSPECT_RETRY_MS, ++s.ioFailures);
      this.log.warn(
        { reader: s.reader, err: ioError.message, failures: s.ioFailures, retryInMs },
        'cannot read the card yet; looking again soon',
      );
      setTimeout(() => this.relook(s, generation), retryInMs).unref();
      return;
    }
    s.ioFailures = 0;
    if (!facts) {
      s.state = 'other';
      this.log.info({ reader: s.reader }, 'card in reader is not a PIV card SCM can personalise (no serial)');
      return;
    }
    s.facts = facts;
    let lease: CardLeaseView['lease'];
    try {
      lease = await this.lease(s, facts);
    } catch (e) {
      if (e instanceof WorkerApiError && !e.transient) {
        // The API refused this card to this worker (bound to a request another worker personalises).
        s.state = 'other';
        this.log.warn({ reader: s.reader, serial: facts.serial, code: e.code, err: e.message }, 'the API refused a card job for this card');
        return;
      }
      this.log.warn({ reader: s.reader, err: (e as Error).message }, 'cannot ask the API about the card; looking again soon');
      await sleep(2000);
      if (s.generation === generation) return this.inspect(s, generation);
      return;
    }
    if (s.generation !== generation) return;
    if (lease?.bound) {
      s.state = 'bound';
      this.log.info({ reader: s.reader, serial: facts.serial, requestId: lease.requestId }, 'a request waits for this card: resuming it');
      // A stopped attempt is logged and looked at again by runOn: nothing more to do with its error
      // here (inspect runs unawaited on insertion, where a rejection would end the worker).
      await this.runOn(s, generation, lease.requestId, { bound: true }).catch(() => undefined);
      return;
    }
    s.state = facts.guid ? 'other' : 'blank';
    this.log.info({ reader: s.reader, serial: facts.serial, state: s.state }, 'card inspected');
    // An issued card may have updates waiting for it (docs/card-updates.md).
    if (facts.guid)
      await this.updates
        .offer(s.reader, facts, () => s.generation === generation)
        .catch((e: unknown) =>
          this.log.warn(
            { reader: s.reader, serial: facts.serial, err: (e as Error).message },
            'card update stopped; it resumes when the card is next inserted',
          ),
        );
    if (lease && s.state === 'blank') return this.take(s, lease.requestId);
    this.wake();
  }

  /** Reports the slot's card to the API and asks for a card job for it. */
  private async lease(s: ReaderSlot, facts: CardFacts): Promise<CardLeaseView['lease']> {
    const r = await this.api.lease({ reader: s.reader, serial: facts.serial, atr: facts.atr, ...(facts.guid ? { guid: facts.guid } : {}) });
    return r.lease;
  }

  /** Personalises the slot's card for a request; the slot's next state follows from the outcome. */
  private async runOn(s: ReaderSlot, generation: number, requestId: string, opts: { bound: boolean }): Promise<PersonaliseOutcome> {
    s.state = 'busy';
    const t0 = Date.now();
    let outcome: PersonaliseOutcome;
    let apdus = 0;
    let times: AttemptTimes | undefined;
    try {
      ({ value: outcome, times } = await timed(() =>
        this.access.use(s.reader, async (card) => {
          const id = await card.session.identity();
          // pcscd now and then reports an empty ATR right after the card was reset: the inspection's stands.
          const atr = card.atr || s.facts?.atr || '';
          const facts: CardFacts = { serial: String(id.serial), atr, ...(id.guid ? { guid: id.guid } : {}) };
          if (s.facts && facts.serial !== s.facts.serial) return { kind: 'superseded', reason: 'another card is in the reader' } as const;
          try {
            return await this.personaliser.run(card.session, facts, requestId, opts);
          } finally {
            apdus = card.apdus();
          }
        }),
      ));
    } catch (e) {
      if (s.generation === generation) {
        // The card may still be in the reader: an APDU not answered in time, the API or the network
        // down. Look at it again (a request bound to it is resumed, a blank card takes a job); a
        // card really pulled out ends this generation first, which makes the second look a no-op.
        s.state = 'inspecting';
        setTimeout(() => this.relook(s, generation), retryDelay(RELOOK_AFTER_FAILURE_MS, ++s.attemptFailures)).unref();
      }
      this.log.warn(
        { reader: s.reader, requestId, err: (e as Error).message, apdus, failures: s.attemptFailures },
        'personalisation attempt stopped; it will be retried',
      );
      throw e;
    }
    this.outcomes.set(requestId, outcome.kind);
    s.attemptFailures = 0;
    s.superseded = outcome.kind === 'superseded' ? s.superseded + 1 : 0;
    this.log.info(
      {
        reader: s.reader,
        requestId,
        outcome: outcome.kind,
        ms: Date.now() - t0,
        apdus,
        ...(s.insertedAt ? { sinceInsertMs: Date.now() - s.insertedAt } : {}),
        ...(times ? summarise(times) : {}),
        ...('reason' in outcome ? { reason: outcome.reason } : {}),
      },
      'personalisation attempt ended',
    );
    if (s.generation !== generation) return outcome;
    switch (outcome.kind) {
      case 'issued':
        s.state = 'issued';
        break;
      case 'closed':
      case 'elsewhere':
        s.state = opts.bound ? 'other' : 'blank';
        break;
      case 'card-refused':
      case 'failed':
        s.state = 'other';
        break;
      case 'interrupted':
        s.state = 'empty';
        break;
      case 'superseded':
        // The API answered that the attempt is not (or no longer) this worker's: look again, later
        // each time it repeats, so a request the API keeps refusing never has the worker spinning.
        s.state = 'inspecting';
        setTimeout(() => this.relook(s, generation), retryDelay(RELOOK_AFTER_SUPERSEDED_MS, s.superseded)).unref();
        break;
      case 'retry':
        // The card refused a step and the API lets it try again: the request waits for this card.
        s.state = 'inspecting';
        setTimeout(() => this.relook(s, generation), RELOOK_AFTER_REFUSAL_MS).unref();
        break;
    }
    this.wake();
    return outcome;
  }

  private relook(s: ReaderSlot, generation: number): void {
    if (s.generation !== generation || this.stopped) return;
    s.state = 'inspecting';
    void this.track(this.inspect(s, generation)).catch(() => undefined);
  }

  // ---------------------------------------------------------------- card jobs

  private idleBlank(): ReaderSlot | undefined {
    return [...this.slots.values()].find((s) => s.state === 'blank' && !s.reserved);
  }

  private async waitForChange(ms: number): Promise<void> {
    await new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  /** Asks the API for card jobs while some slot holds an idle blank card. */
  private async dispatch(): Promise<void> {
    await this.enrolment.whenApproved();
    if (this.stopped) return;
    this.log.info('asking the API for card jobs for blank cards');
    while (!this.stopped) {
      const idle = [...this.slots.values()].filter((s) => s.state === 'blank' && !s.reserved && s.facts);
      for (const s of idle) {
        if (this.stopped) break;
        let lease: CardLeaseView['lease'] = null;
        const generation = s.generation;
        try {
          lease = await this.lease(s, s.facts!);
        } catch (e) {
          this.log.warn({ reader: s.reader, err: (e as Error).message }, 'cannot ask the API for a card job; retrying');
        }
        if (lease && s.generation === generation && s.state === 'blank' && !s.reserved) this.take(s, lease.requestId);
      }
      await this.waitForChange(this.cfg.SCM_CARD_JOB_POLL_MS);
    }
  }

  /** Personalises the slot's blank card for the request the API leased it. */
  private take(s: ReaderSlot, requestId: string): void {
    s.reserved = true;
    void this.track(this.runOn(s, s.generation, requestId, { bound: false }))
      .catch((e: unknown) => {
        const transient = !(e instanceof WorkerApiError) || e.transient;
        this.log.warn({ requestId, err: (e as Error).message, transient }, 'card job failed');
      })
      .finally(() => {
        s.reserved = false;
        this.wake();
      });
  }
}
