/** A card issued in a reader, as the bench saw it. */
export interface Issued {
  reader: string;
  /** When the bench saw it issued, ms. */
  at: number;
}

/**
 * Steady-state throughput, cards per second: the cards issued while every reader was at work,
 * over that time. The window opens when the last reader issued its first card (before that,
 * readers that started together were still filling) and closes when the first reader issued
 * its last card (after that, fewer readers were at work). With one reader it is one card per
 * cycle: (cards − 1) over the time from its first to its last card. Undefined when the window is
 * empty (too few cards per reader).
 */
export function steadyRate(issued: readonly Issued[]): number | undefined {
  const byReader = new Map<string, number[]>();
  for (const i of issued) {
    const list = byReader.get(i.reader) ?? [];
    list.push(i.at);
    byReader.set(i.reader, list);
  }
  if (byReader.size === 0) return undefined;
  let opens = -Infinity;
  let closes = Infinity;
  for (const times of byReader.values()) {
    opens = Math.max(opens, Math.min(...times));
    closes = Math.min(closes, Math.max(...times));
  }
  if (!(closes > opens)) return undefined;
  const inside = issued.filter((i) => i.at > opens && i.at <= closes).length;
  return inside === 0 ? undefined : (inside * 1000) / (closes - opens);
}
