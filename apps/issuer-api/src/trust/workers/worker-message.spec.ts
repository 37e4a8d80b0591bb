import { MAX_EVENTS, messageEvents, parseWorkerMessage, readerHeartbeat, type WorkerMessage } from './worker-message';

describe('worker channel messages', () => {
  it('parses JSON and tells malformed input apart', () => {
    expect(parseWorkerMessage('{"type":"ping"}')).toEqual({ type: 'ping' });
    expect(parseWorkerMessage('{not json')).toBeUndefined();
  });

  it('turns a readers message into a bounded, cleaned heartbeat', () => {
    const hb = readerHeartbeat({
      type: 'readers',
      host: 'h'.repeat(300),
      readers: [
        { name: 'Virtual PCD 00 00', cardPresent: true, atr: '3B8880010000' },
        { name: 'x'.repeat(500), cardPresent: 'yes' as unknown as boolean, atr: '3b88' },
        { name: 'Virtual PCD 00 01', cardPresent: false, atr: '<script>' },
      ],
    });
    expect(hb?.host).toHaveLength(200);
    expect(hb?.readers).toEqual([
      { name: 'Virtual PCD 00 00', cardPresent: true, atr: '3B8880010000' },
      { name: 'x'.repeat(200), cardPresent: false, atr: null },
      { name: 'Virtual PCD 00 01', cardPresent: false, atr: null },
    ]);
  });

  it('keeps at most 64 readers, and ignores messages that are not reader reports', () => {
    const readers = Array.from({ length: 100 }, (_, i) => ({ name: `r${i}`, cardPresent: false, atr: null }));
    expect(readerHeartbeat({ type: 'readers', host: 'h', readers })?.readers).toHaveLength(64);
    expect(readerHeartbeat({ type: 'ping' })).toBeNull();
    expect(readerHeartbeat({ type: 'readers', host: 'h', readers: 'none' as never })).toBeNull();
  });

  it('lists the events a message carries, and refuses an events message that is not a bounded list of events', () => {
    const e = { event: 'personalisation.step', data: { step: 'claim' } };
    expect(messageEvents({ type: 'event', ...e })).toEqual([{ type: 'event', ...e }]);
    expect(messageEvents({ type: 'events', events: [e, e] })).toEqual([e, e]);
    expect(messageEvents({ type: 'ping' })).toEqual([]);
    expect(messageEvents({ type: 'events', events: Array.from({ length: MAX_EVENTS + 1 }, () => e) })).toBeUndefined();
    expect(messageEvents({ type: 'events', events: 'x' } as unknown as WorkerMessage)).toBeUndefined();
    expect(messageEvents({ type: 'events', events: [e, null] } as unknown as WorkerMessage)).toBeUndefined();
    expect(messageEvents({ type: 'events', events: [{ data: {} }] } as unknown as WorkerMessage)).toBeUndefined();
  });
});
