import { assertIdsOnly, checkJobHandlers, jobId } from './index';

describe('jobs', () => {
  it('gives the same work the same id', () => {
    expect(jobId('personalise-card', { requestId: 'r1' })).toBe('personalise-card|requestId=r1');
    expect(jobId('personalise-card', { requestId: 'r2' })).not.toBe(jobId('personalise-card', { requestId: 'r1' }));
  });

  it('refuses payloads that are not ids', () => {
    expect(() => assertIdsOnly({ requestId: '3f1c-aa' })).not.toThrow();
    expect(() => assertIdsOnly({ pin: '1234 5678' })).toThrow(/must be an id/);
    expect(() => assertIdsOnly({ key: { d: 'x' } })).toThrow(/must be an id/);
  });

  it('fails when a job has no handler or two', () => {
    expect(() => checkJobHandlers(['maintenance', 'cards'], [{ job: 'noop', owner: 'a' }])).toThrow(
      /"personalise-card" \(queue cards\) has no handler/,
    );
    expect(() =>
      checkJobHandlers(
        ['maintenance'],
        [
          { job: 'noop', owner: 'a' },
          { job: 'noop', owner: 'b' },
        ],
      ),
    ).toThrow(/"noop" has 2 handlers: a, b/);
    expect(() =>
      checkJobHandlers(
        ['maintenance'],
        [
          { job: 'noop', owner: 'a' },
          { job: 'publish-crl', owner: 'b' },
          { job: 'expire-temporary-card', owner: 'c' },
        ],
      ),
    ).not.toThrow();
  });
});
