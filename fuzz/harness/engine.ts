import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { FuzzTarget } from './target';

export type FindingKind = 'crash' | 'slow' | 'hang' | 'oom';

/** An input the parser mishandled: an untyped error, or more time than its budget. */
export interface Finding {
  kind: FindingKind;
  /** Same signature, same bug: the error class and where it was thrown, or the kind. */
  signature: string;
  message: string;
  input: Uint8Array;
  ms: number;
}

const DEFAULT_BUDGET_MS = 2000;

/** Where in the repository an error was thrown (first stack frame outside node_modules and node:). */
function origin(e: Error): string {
  const line = (e.stack ?? '')
    .split('\n')
    .slice(1)
    .find((l) => !l.includes('node_modules') && !l.includes('node:') && !l.includes('/fuzz/harness/'));
  const m = line ? /\(?([^()\s]+):(\d+):\d+\)?$/.exec(line.trim()) : null;
  return m ? `${m[1].replace(/^.*?\/(libs|apps|fuzz)\//, '$1/')}:${m[2]}` : 'unknown';
}

/** The verdict on one input: undefined when the parser behaved (a result or its typed error). */
export async function check<S>(
  target: FuzzTarget<S>,
  state: S,
  input: Uint8Array,
  /** timing: false leaves out 'slow' (npm test judges behaviour, never speed; hangs are still found). */
  opts: { timing?: boolean } = {},
): Promise<Finding | undefined> {
  const timing = opts.timing ?? true;
  const budget = target.budgetMs ?? DEFAULT_BUDGET_MS;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = Symbol('hang');
  try {
    const r = target.run(state, input);
    if (r instanceof Promise) {
      // An answer that never comes (a promise left pending) is a hang, found without killing anything.
      const timeout = new Promise<typeof hang>((resolve) => (timer = setTimeout(() => resolve(hang), budget * 5)));
      if ((await Promise.race([r, timeout])) === hang) {
        r.catch(() => undefined);
        return { kind: 'hang', signature: 'hang:async', message: `no answer within ${budget * 5} ms`, input, ms: budget * 5 };
      }
    }
  } catch (e) {
    if (target.expected(e)) return timing ? slow(target, input, started, budget) : undefined;
    const err = e instanceof Error ? e : new Error(String(e));
    const name = err.constructor?.name ?? 'Error';
    const own = (err as { signature?: unknown }).signature;
    return {
      kind: 'crash',
      signature: `crash:${name}:${typeof own === 'string' ? own : origin(err)}`,
      message: `${name}: ${err.message}`.slice(0, 500),
      input,
      ms: performance.now() - started,
    };
  } finally {
    if (timer) clearTimeout(timer);
  }
  return timing ? slow(target, input, started, budget) : undefined;
}

function slow<S>(target: FuzzTarget<S>, input: Uint8Array, started: number, budget: number): Finding | undefined {
  const ms = performance.now() - started;
  if (ms <= budget) return undefined;
  return { kind: 'slow', signature: 'slow', message: `${Math.round(ms)} ms for ${input.length} bytes (budget ${budget} ms)`, input, ms };
}

export interface FuzzStats {
  executions: number;
  findings: Finding[];
  ms: number;
}

export interface FuzzOptions {
  durationMs: number;
  seed: number;
  /** Told before each input runs (the runner's watchdog keeps a copy of it). */
  onInput?: (input: Uint8Array, executions: number) => void;
  /** Told about each new finding (first of its signature). */
  onFinding?: (f: Finding) => void;
}

/** Runs a target for a while on generated inputs; findings are kept one per signature. */
export async function fuzz<S>(target: FuzzTarget<S>, state: S, opts: FuzzOptions): Promise<FuzzStats> {
  const arb = target.inputs(state);
  const started = performance.now();
  const seen = new Map<string, Finding>();
  let executions = 0;
  for (let batch = 0; performance.now() - started < opts.durationMs; batch++) {
    const inputs = fc.sample(arb, { numRuns: 100, seed: (opts.seed + batch * 7919) | 0 });
    for (const input of inputs) {
      opts.onInput?.(input, executions);
      const f = await check(target, state, input);
      executions++;
      if (f && !seen.has(f.signature)) {
        seen.set(f.signature, f);
        opts.onFinding?.(f);
      }
      if (performance.now() - started >= opts.durationMs) break;
    }
  }
  return { executions, findings: [...seen.values()], ms: performance.now() - started };
}

/** A short stable name for a finding's input. */
export const inputId = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex').slice(0, 12);
