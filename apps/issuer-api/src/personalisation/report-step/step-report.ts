import { isStepName, type StepOutcome } from '@scm/personalisation';

const OUTCOMES: readonly StepOutcome[] = ['started', 'done', 'skipped', 'failed'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A report as it arrives, before checking: anything a worker sends is untrusted input. */
export type RawReport = Record<string, unknown>;

/** A checked report: the plan of an attempt (every step it will take), or one step's outcome. */
export type StepReport =
  | { kind: 'plan'; requestId: string; attempt: number; steps: string[] }
  | {
      kind: 'step';
      requestId: string;
      attempt: number;
      step: string;
      outcome: StepOutcome;
      details: Record<string, string | number | boolean>;
    };

/** The request a report names, if it names one at all. */
export function reportedRequest(raw: RawReport): string | undefined {
  const requestId = String(raw.requestId ?? '');
  return UUID.test(requestId) ? requestId : undefined;
}

/** Keeps only safe, short scalar facts of a report's details. */
export function safeDetails(d: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (!d || typeof d !== 'object') return out;
  for (const [k, v] of Object.entries(d as Record<string, unknown>).slice(0, 12)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]{0,30}$/.test(k)) continue;
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    else if (typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string') out[k] = v.slice(0, 200);
  }
  return out;
}

/** The report checked, or undefined when it is not one (no request, no attempt, an unknown step or outcome). */
export function parseStepReport(raw: RawReport): StepReport | undefined {
  const requestId = reportedRequest(raw);
  const attempt = Number(raw.attempt);
  if (!requestId || !Number.isInteger(attempt) || attempt < 1) return undefined;
  if (raw.plan === true) {
    const steps = Array.isArray(raw.steps) ? raw.steps.filter((s): s is string => typeof s === 'string' && isStepName(s)).slice(0, 64) : [];
    return { kind: 'plan', requestId, attempt, steps };
  }
  const step = String(raw.step ?? '');
  const outcome = String(raw.outcome ?? '') as StepOutcome;
  if (!isStepName(step) || !OUTCOMES.includes(outcome)) return undefined;
  return { kind: 'step', requestId, attempt, step, outcome, details: safeDetails(raw.details) };
}
