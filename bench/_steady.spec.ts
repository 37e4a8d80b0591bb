import { type Issued, steadyRate } from './_steady';

const cycle = (reader: string, start: number, every: number, n: number): Issued[] =>
  Array.from({ length: n }, (_, k) => ({ reader, at: start + k * every }));

describe('steadyRate', () => {
  it('is one card per cycle for one reader, whatever its first card took', () => {
    expect(steadyRate(cycle('a', 5_000, 2_000, 6))).toBeCloseTo(0.5, 6);
  });

  it('counts only the cards issued while every reader was at work', () => {
    // Two readers at 2 s a card; the second starts 3 s late and stops after everything else.
    const issued = [...cycle('a', 1_000, 2_000, 5), ...cycle('b', 4_000, 2_000, 6)];
    // Window (4 s, 9 s]: a at 5, 7, 9 and b at 6, 8: 5 cards in 5 s.
    expect(steadyRate(issued)).toBeCloseTo(1, 6);
  });

  it('gives eight times one reader for eight readers at the same cycle, staggered starts and all', () => {
    const one = steadyRate(cycle('a', 0, 3_000, 10))!;
    const eight = steadyRate(Array.from({ length: 8 }, (_, r) => cycle(`r${r}`, 2_500 + r * 150, 3_000, 10)).flat())!;
    expect(eight / one).toBeGreaterThan(7.5);
    expect(eight / one).toBeLessThan(8.5);
  });

  it('is undefined when no card falls inside the window', () => {
    expect(steadyRate([])).toBeUndefined();
    expect(steadyRate(cycle('a', 0, 1_000, 1))).toBeUndefined();
    expect(steadyRate([...cycle('a', 0, 1_000, 1), ...cycle('b', 500, 1_000, 1)])).toBeUndefined();
  });
});
