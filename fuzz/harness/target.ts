import type fc from 'fast-check';

/**
 * One parser under fuzzing. Inputs are bytes (text formats as UTF-8, sequences as frames, see
 * frames.ts), so every case can be kept as a corpus file and replayed.
 */
export interface FuzzTarget<S = unknown> {
  /** Short kebab-case name: the corpus folder and the row of the table. */
  readonly name: string;
  /** What is fuzzed, in one line. */
  readonly about: string;
  /** Builds what the inputs are made from (valid seeds from the real encoders), once per process. */
  setup(): Promise<S>;
  /** The inputs: mutations of the seeds and grammar-based ones. */
  inputs(state: S): fc.Arbitrary<Uint8Array>;
  /** Runs the parser on one input; returns normally or throws. */
  run(state: S, input: Uint8Array): Promise<void> | void;
  /** True for an error the parser is allowed to throw on bad input (its own typed error). */
  expected(e: unknown): boolean;
  /** Time one input may take before it counts as a finding (default 2000 ms). */
  readonly budgetMs?: number;
  /** Inputs of the short run in `npm test` (default 300; fewer for slow targets). */
  readonly quickRuns?: number;
  /** Run in the runner's own thread (targets that start servers or load native modules), not in a worker thread. */
  readonly inProcess?: boolean;
  teardown?(state: S): Promise<void>;
}

/** Keeps the state type of a target while listing targets of different states together. */
export function defineTarget<S>(t: FuzzTarget<S>): FuzzTarget<S> {
  return t;
}

/** A property failure of a target that is not an error thrown by the parser (a wrong answer). */
export class OracleError extends Error {
  constructor(
    message: string,
    /** Groups findings (default: where the oracle failed); e.g. the route of a 5xx. */
    readonly signature?: string,
  ) {
    super(message);
    this.name = 'OracleError';
  }
}

/** Throws an OracleError (a finding) unless `ok`. */
export function oracle(ok: boolean, message: string, signature?: string): asserts ok {
  if (!ok) throw new OracleError(message, signature);
}
