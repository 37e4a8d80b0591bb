import { type ChannelEvent, EventBatch } from './event-batch';

const ev = (n: number): ChannelEvent => ({ event: 'personalisation.step', data: { n } });

/** A batch over a channel that takes everything, and what it sent. */
function sending(max?: number) {
  const sent: ChannelEvent[][] = [];
  const b = new EventBatch(
    (e) => (sent.push(e), true),
    () => undefined,
    100,
    max,
  );
  return { sent, b };
}

describe('EventBatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the events of one linger window as one batch, in order', () => {
    const { sent, b } = sending();
    b.add(ev(1));
    jest.advanceTimersByTime(60);
    b.add(ev(2));
    b.add(ev(3));
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(40);
    expect(sent).toEqual([[ev(1), ev(2), ev(3)]]);
    b.add(ev(4));
    jest.advanceTimersByTime(100);
    expect(sent).toEqual([[ev(1), ev(2), ev(3)], [ev(4)]]);
  });

  it('sends a full batch at once, and what waits on flush', () => {
    const { sent, b } = sending(2);
    b.add(ev(1));
    b.add(ev(2));
    expect(sent).toEqual([[ev(1), ev(2)]]);
    b.add(ev(3));
    b.flush();
    expect(sent).toEqual([[ev(1), ev(2)], [ev(3)]]);
    b.flush();
    jest.advanceTimersByTime(500);
    expect(sent).toHaveLength(2);
  });

  it('hands every event of a batch the channel could not take to the fallback, in order', () => {
    const fell: ChannelEvent[] = [];
    const b = new EventBatch(
      () => false,
      (e) => fell.push(e),
      100,
    );
    b.add(ev(1));
    b.add(ev(2));
    jest.advanceTimersByTime(100);
    expect(fell).toEqual([ev(1), ev(2)]);
  });
});
