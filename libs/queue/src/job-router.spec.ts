import { JobRouter, payloadOf, UnrunnableJobError } from './job-router';

const delivered = (name: string, data: unknown) => ({ name, id: `${name}|x`, data, attemptsMade: 1, opts: { attempts: 5 } });

describe('JobRouter', () => {
  it('hands each job its checked payload and context', async () => {
    const seen: unknown[] = [];
    const r = new JobRouter(['keygen']).on('generate-keys', 'test', async (p, ctx) => {
      seen.push(p.requestId, ctx);
    });
    await r.dispatch(delivered('generate-keys', { requestId: 'r-1' }));
    expect(seen).toEqual(['r-1', { id: 'generate-keys|x', attemptsMade: 1, attempts: 5 }]);
  });

  it('refuses a second handler, and a job of another queue', () => {
    const r = new JobRouter(['maintenance']).on('noop', 'a', async () => undefined);
    expect(() => r.on('noop', 'b', async () => undefined)).toThrow(/already has a handler \(a\); b cannot/);
    expect(() => r.on('generate-keys', 'c', async () => undefined)).toThrow(/belongs to queue keygen/);
  });

  it('names every job without a handler', () => {
    const r = new JobRouter(['maintenance']).on('noop', 'a', async () => undefined);
    expect(() => r.check()).toThrow(/"publish-crl" \(queue maintenance\) has no handler.*"expire-temporary-card"/);
  });

  it.each([
    ['not an object', 'x', /not an object/],
    ['a missing field', { caId: 'c' }, /missing cause/],
    ['an unexpected field', { caId: 'c', cause: 'k', pin: '1234' }, /unexpected pin/],
    ['a field that is not an id', { caId: 'c', cause: 'a b' }, /must be an id/],
  ])('refuses a payload with %s as unrunnable (no retry mends it)', (_what, data, msg) => {
    expect(() => payloadOf('publish-crl', data)).toThrow(msg);
    expect(() => payloadOf('publish-crl', data)).toThrow(UnrunnableJobError);
  });

  it('refuses a job nobody handles as unrunnable', async () => {
    const r = new JobRouter(['maintenance']);
    await expect(r.dispatch(delivered('no-such-job', {}))).rejects.toThrow(UnrunnableJobError);
  });
});
