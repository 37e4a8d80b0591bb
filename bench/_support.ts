/**
 * What the benchmarks share: the Markdown table they print, a median, the HSM keys a VSC needs,
 * and the way a benchmark ends (exit code, the error on standard error).
 */
import { appendFileSync } from 'node:fs';
import type { HsmContext } from '@scm/hsm';
import { DEFAULT_VSC_KEYS } from '@scm/vsc';

/** A Markdown table: first column left-aligned, the others right-aligned. */
export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ')} |`;
  return [line(head), `|${w.map((x, i) => (i === 0 ? '-'.repeat(x + 2) : `${'-'.repeat(x + 1)}:`)).join('|')}|`, ...rows.map(line)].join(
    '\n',
  );
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** Fails with what to do when the token lacks the VSC keys (they are never created by a benchmark). */
export async function requireVscKeys(hsm: HsmContext, tokenLabel: string): Promise<void> {
  for (const ref of [DEFAULT_VSC_KEYS.kek, DEFAULT_VSC_KEYS.recovery]) {
    await hsm.getSecretKey(ref).catch(() => {
      throw new Error(`HSM key ${ref.label}/${ref.version} is missing in token ${tokenLabel}: run "scm vsc init-keys" or use a test token`);
    });
  }
}

/** Runs a benchmark's main: exit 0 when it is done (its services may keep handles open), else 1 with the error. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}

/** One row of the summary table `npm run bench` prints at the end: SCM's figure beside its anchor. */
export interface SummaryRow {
  /** What was measured, e.g. "Archive seal, 10,000 VSCs". */
  what: string;
  /** SCM's figure and its unit, e.g. 3649 and "ms". */
  scm: number;
  unit: string;
  /** The anchor measured in the same run (e.g. "xorriso alone"), its figure in the same unit. */
  anchor?: { name: string; value: number };
  /** The target from the issue, as text (e.g. "≤ 2× anchor", "≥ 20 cards/s"). */
  target?: string;
  /** true when higher is better (throughput), false for times. */
  higherIsBetter: boolean;
}

/**
 * Records a summary row: appended as one JSON line to $BENCH_SUMMARY_FILE when scripts/bench.js
 * runs the benchmark (it prints every row at the end); ignored when a benchmark runs alone.
 */
export function summaryRow(row: SummaryRow): void {
  const file = process.env.BENCH_SUMMARY_FILE;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}
