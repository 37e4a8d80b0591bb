import type { CardUpdatesService } from '../updates/card-updates.service';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ChannelService } from '../channel/channel.service';
import type { EnrolmentService } from '../enrolment/enrolment.service';
import type { ReadersService } from '../readers/readers.service';
import type { WorkerConfig } from '../worker-config';
import { CardSlotsService, retryDelay } from './card-slots.service';
import type { ReaderAccessService } from './reader-access.service';
import { type WorkerApiClient, WorkerApiError } from './worker-api.client';

describe('retryDelay', () => {
  it('doubles from the base and stops at a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelay(2000, n))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(retryDelay(3000, 0)).toBe(3000);
  });
});

/**
 * The slots with fake readers and a card that never answers (fake timers): the worker keeps
 * looking at it, less and less often, and starts afresh when a card is put in again.
 */
describe('CardSlotsService: a card that cannot be read', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function slots() {
    const monitor = new EventEmitter();
    const warnings: Array<Record<string, unknown>> = [];
    const log = { info: () => undefined, debug: () => undefined, warn: (o: Record<string, unknown>) => warnings.push(o) };
    let reads = 0;
    const access = {
      use: async () => {
        reads++;
        throw new Error('SCardTransmit: the card does not answer');
      },
    };
    const service = new CardSlotsService(
      { SCM_CARD_JOBS: false } as unknown as WorkerConfig,
      log as unknown as Logger,
      { monitor } as unknown as ReadersService,
      { whenApproved: async () => undefined, identity: { kexKey: undefined } } as unknown as EnrolmentService,
      { workerId: 'w' } as unknown as WorkerApiClient,
      { send: () => true } as unknown as ChannelService,
      access as unknown as ReaderAccessService,
      { offer: async () => undefined } as unknown as CardUpdatesService,
    );
    service.onApplicationBootstrap();
    return { monitor, warnings, service, reads: () => reads };
  }

  it('looks again after 2, 4, 8 … s, then once a minute; a new card starts again from 2 s', async () => {
    const { monitor, warnings, service, reads } = slots();
    monitor.emit('card-inserted', { name: 'Reader 0' });
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    // Each look reads up to 3 times; ten minutes at a fixed 2 s would have been 300 looks.
    const delays = warnings.map((w) => w.retryInMs);
    expect(delays.slice(0, 7)).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(warnings.length).toBeGreaterThanOrEqual(12);
    expect(warnings.length).toBeLessThanOrEqual(15);
    expect(reads()).toBe(3 * warnings.length);
    expect(service.list()).toEqual([{ reader: 'Reader 0', state: 'inspecting' }]);

    monitor.emit('card-removed', { name: 'Reader 0' });
    monitor.emit('card-inserted', { name: 'Reader 0' });
    const before = warnings.length;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(warnings.slice(before).map((w) => w.retryInMs)).toEqual([2000, 4000]);
    await service.onModuleDestroy();
  });

  it('a pulled card is not looked at again', async () => {
    const { monitor, warnings, service, reads } = slots();
    monitor.emit('card-inserted', { name: 'Reader 0' });
    await jest.advanceTimersByTimeAsync(1_500);
    expect(warnings).toHaveLength(1);
    monitor.emit('card-removed', { name: 'Reader 0' });
    const n = reads();
    await jest.advanceTimersByTimeAsync(5 * 60_000);
    expect(reads()).toBe(n);
    expect(service.list()).toEqual([{ reader: 'Reader 0', state: 'empty' }]);
    await service.onModuleDestroy();
  });
});

/**
 * The slots with one card (serial 4242) that the API says a request waits for (bound lease r1);
 * `run` stands in for the personaliser's attempt on it.
 */
function boundCardSlots(run: () => Promise<unknown>, apdus = 0) {
  const monitor = new EventEmitter();
  const warnings: Array<Record<string, unknown>> = [];
  const log = { info: () => undefined, debug: () => undefined, warn: (o: Record<string, unknown>) => warnings.push(o) };
  const access = {
    use: async <T>(_reader: string, fn: (card: unknown) => Promise<T>) =>
      fn({ atr: '3b8c', session: { identity: async () => ({ serial: 4242 }) }, apdus: () => apdus }),
  };
  const service = new CardSlotsService(
    { SCM_CARD_JOBS: false } as unknown as WorkerConfig,
    log as unknown as Logger,
    { monitor } as unknown as ReadersService,
    { whenApproved: async () => undefined, identity: { kexKey: undefined } } as unknown as EnrolmentService,
    { workerId: 'w', lease: async () => ({ lease: { bound: true, requestId: 'r1' } }) } as unknown as WorkerApiClient,
    { send: () => true } as unknown as ChannelService,
    access as unknown as ReaderAccessService,
    { offer: async () => undefined } as unknown as CardUpdatesService,
  );
  (service as unknown as { personaliser: { run: () => Promise<unknown> } }).personaliser = { run };
  service.onApplicationBootstrap();
  return { monitor, warnings, service };
}

/** A bound card whose every attempt the API takes away (superseded): the worker looks again less and less often. */
describe('CardSlotsService: attempts the API keeps taking away', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits 0.5, 1, 2, 4 … s between looks, never a fixed pace; a new insertion starts again from 0.5 s', async () => {
    const runs: number[] = [];
    const { monitor, service } = boundCardSlots(async () => {
      runs.push(Date.now());
      return { kind: 'superseded', reason: 'request r1 is verifying, not personalising' };
    });
    monitor.emit('card-inserted', { name: 'Reader 0' });
    await jest.advanceTimersByTimeAsync(60_000);
    // A fixed half-second pace would have been 120 attempts in the minute.
    const gaps = runs.slice(1).map((t, i) => t - runs[i]);
    expect(gaps.slice(0, 6)).toEqual([500, 1000, 2000, 4000, 8000, 16000]);
    expect(runs.length).toBeLessThanOrEqual(8);

    monitor.emit('card-removed', { name: 'Reader 0' });
    monitor.emit('card-inserted', { name: 'Reader 0' });
    const before = runs.length;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs.length - before).toBe(2);
    await service.onModuleDestroy();
  });
});

/**
 * A card bound to a request, put in while the API is down: the attempt stops on the network error.
 * The worker must not die of it (an unhandled rejection ends a Node process): it looks again later
 * and resumes the request.
 */
describe('CardSlotsService: the API down during a resumed attempt', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keeps the error in the slot, looks again and resumes the request', async () => {
    // A rejection nobody handles fails this test (jest reports it), as it would end the worker.
    let runs = 0;
    const { monitor, warnings, service } = boundCardSlots(async () => {
      if (++runs === 1) throw new WorkerApiError(0, 'network', 'the API does not answer: fetch failed');
      return { kind: 'issued' };
    }, 7);
    monitor.emit('card-inserted', { name: 'Reader 0' });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
    expect(warnings).toEqual([expect.objectContaining({ requestId: 'r1', err: 'the API does not answer: fetch failed', apdus: 7 })]);
    expect(service.list()).toEqual([{ reader: 'Reader 0', state: 'inspecting', serial: '4242' }]);

    await jest.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(2);
    expect(service.list()).toEqual([{ reader: 'Reader 0', state: 'issued', serial: '4242' }]);
    await service.onModuleDestroy();
  });
});
