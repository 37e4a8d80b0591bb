import { pendingRetryDelay } from './enrolment.service';

describe('a worker waiting for approval', () => {
  it('asks again after 250 ms, 500 ms, then every second', () => {
    expect([1, 2, 3, 4, 10, 100].map((n) => pendingRetryDelay(n, 5_000))).toEqual([250, 500, 1000, 1000, 1000, 1000]);
  });

  it('asks every 5 s once it has waited ten minutes', () => {
    expect(pendingRetryDelay(3, 10 * 60_000 - 1)).toBe(1000);
    expect(pendingRetryDelay(3, 10 * 60_000)).toBe(5000);
    expect(pendingRetryDelay(700, 60 * 60_000)).toBe(5000);
  });
});
