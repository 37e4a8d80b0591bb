import { AuditSequencer } from './sequencer';

/** A sequencer over a fake chain: each pass is counted and takes `passMs`. */
function counted(lingerMs?: number, passMs = 5) {
  const passes: number[] = [];
  const seq = new AuditSequencer(
    async (fn) => {
      passes.push(Date.now());
      await new Promise((r) => setTimeout(r, passMs));
      return fn({ query: async () => [] } as never);
    },
    lingerMs === undefined ? {} : { lingerMs },
  );
  return { seq, passes };
}

jest.mock('./audit-store', () => ({ chainPending: async () => 0 }));

describe('AuditSequencer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes at once on a kick without linger', async () => {
    const { seq, passes } = counted();
    seq.kick();
    await jest.advanceTimersByTimeAsync(0);
    expect(passes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(10);
    await seq.stop();
  });

  it('with linger, the kicks of a quiet moment share one pass, and settle does not wait for the linger', async () => {
    const { seq, passes } = counted(20);
    seq.kick();
    seq.kick();
    await jest.advanceTimersByTimeAsync(10);
    seq.kick();
    expect(passes).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(10);
    expect(passes).toHaveLength(1);
    // A kick while a pass runs is served by a pass that lingers after it.
    await jest.advanceTimersByTimeAsync(1);
    seq.kick();
    seq.kick();
    await jest.advanceTimersByTimeAsync(5);
    expect(passes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(20);
    expect(passes).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(30);
    expect(passes).toHaveLength(2);
    // settle() starts a pass at once and takes a waiting kick with it.
    seq.kick();
    const now = seq.settle();
    await jest.advanceTimersByTimeAsync(0);
    expect(passes).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(50);
    await now;
    expect(passes).toHaveLength(3);
  });

  it('under steady load, passes come once per pass time plus linger, and the last kick is served', async () => {
    const { seq, passes } = counted(20, 5);
    const kicks: number[] = [];
    for (let t = 0; t < 500; t += 2) {
      seq.kick();
      kicks.push(Date.now());
      await jest.advanceTimersByTimeAsync(2);
    }
    // Back to back (the 5 ms pass alone) would be ~100 passes; with 20 ms of linger after each, ~20.
    expect(passes.length).toBeGreaterThanOrEqual(17);
    expect(passes.length).toBeLessThanOrEqual(21);
    await jest.advanceTimersByTimeAsync(60);
    expect(passes[passes.length - 1]).toBeGreaterThan(kicks[kicks.length - 1]);
    await seq.stop();
  });

  it('gives a kick made during the last pass its pass when stopped', async () => {
    const { seq, passes } = counted(1000, 5);
    void seq.settle();
    seq.kick();
    const stopped = seq.stop();
    await jest.advanceTimersByTimeAsync(20);
    await stopped;
    expect(passes).toHaveLength(2);
  });

  it('gives a kick still lingering its pass when stopped', async () => {
    const { seq, passes } = counted(1000);
    seq.kick();
    const stopped = seq.stop();
    await jest.advanceTimersByTimeAsync(10);
    await stopped;
    expect(passes).toHaveLength(1);
  });
});
