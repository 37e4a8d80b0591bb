import { MessageBudget } from './message-budget';

describe('MessageBudget', () => {
  it('allows a burst, then the steady rate, and refills with time', () => {
    const b = new MessageBudget(10, 5, 0);
    expect(Array.from({ length: 6 }, () => b.take(0))).toEqual([true, true, true, true, true, false]);
    expect(b.take(50)).toBe(false);
    expect(b.take(100)).toBe(true);
    expect(b.take(100)).toBe(false);
    expect(Array.from({ length: 6 }, () => b.take(10_000)).filter(Boolean)).toHaveLength(5);
  });

  it('charges a message of several events for each of them', () => {
    const b = new MessageBudget(10, 5, 0);
    expect(b.take(0, 4)).toBe(true);
    expect(b.take(0, 2)).toBe(false);
    expect(b.take(0, 1)).toBe(true);
    expect(b.take(0)).toBe(false);
  });
});
