import { failureLimit, throttleKeys, throttleWindow } from './login-throttle';

const cfg = { SCM_LOGIN_MAX_FAILURES: 5, SCM_LOGIN_MAX_FAILURES_PER_ADDRESS: 20, SCM_LOGIN_LOCK_MINUTES: 15 };

describe('login throttle rules', () => {
  it('counts per account, and per address when the address is known', () => {
    expect(throttleKeys('alice', '10.0.0.1')).toEqual(['user:alice', 'addr:10.0.0.1']);
    expect(throttleKeys('alice', null)).toEqual(['user:alice']);
    expect(throttleKeys('alice')).toEqual(['user:alice']);
  });

  it('gives an address more room than an account', () => {
    expect(failureLimit('user:alice', cfg)).toBe(5);
    expect(failureLimit('addr:10.0.0.1', cfg)).toBe(20);
  });

  it('uses the lock length both as counting window and as lock', () => {
    const now = new Date('2026-12-01T09:00:00Z');
    expect(throttleWindow(now, cfg)).toEqual({
      windowStart: new Date('2026-12-01T08:45:00Z'),
      lockUntil: new Date('2026-12-01T09:15:00Z'),
    });
  });
});
