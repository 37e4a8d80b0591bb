/**
 * The steps of one personalisation attempt, in order, as the worker reports them and progress bars
 * count them. Slot steps carry the slot: `import:9d`, `generate:9a`, `prove:9c`.
 */
export const FIXED_STEPS = {
  claim: 'claim',
  authenticate: 'authenticate',
  keyMaterial: 'key-material',
  retries: 'retries',
  puk: 'puk',
  pin: 'pin',
  certificates: 'certificates',
  discovery: 'discovery',
  objects: 'objects',
  managementKey: 'management-key',
  issued: 'issued',
} as const;

export type StepOutcome = 'started' | 'done' | 'skipped' | 'failed';

/** What a worker sends on its channel for each step (ids and names only, never key material). */
export interface StepReport {
  requestId: string;
  attempt: number;
  step: string;
  outcome: StepOutcome;
  /** Safe facts: a slot, an algorithm, a certificate serial, an APDU count, a reason. */
  details?: Record<string, string | number | boolean>;
}

/** The event name of a step report on the worker channel. */
export const STEP_EVENT = 'personalisation.step';
/** The event name of the plan (every step of an attempt) sent before the first step. */
export const PLAN_EVENT = 'personalisation.plan';

/**
 * The steps of an attempt for the slots a card gets imported (escrow, regenerate) and generated (on-card).
 * The diversified management key, the PIN and the PUK come before any cardholder key, certificate or
 * object, so a card left half-done never holds the cardholder's keys under a well-known key.
 * Recovered keys in retired slots (82–95, a reissue) are imported but not proved: they only decrypt old data.
 */
export function planSteps(importSlots: readonly string[], onCardSlots: readonly string[]): string[] {
  const all = [...importSlots, ...onCardSlots].filter((s) => !/^(8[2-9a-f]|9[0-5])$/.test(s)).sort();
  return [
    FIXED_STEPS.claim,
    FIXED_STEPS.authenticate,
    FIXED_STEPS.keyMaterial,
    FIXED_STEPS.managementKey,
    FIXED_STEPS.retries,
    FIXED_STEPS.puk,
    FIXED_STEPS.pin,
    ...importSlots.map((s) => `import:${s}`),
    ...onCardSlots.map((s) => `generate:${s}`),
    FIXED_STEPS.certificates,
    FIXED_STEPS.discovery,
    FIXED_STEPS.objects,
    ...all.map((s) => `prove:${s}`),
    FIXED_STEPS.issued,
  ];
}

/** A step name is a fixed step or `verb:slot`; anything else is refused (it reaches the audit chain). */
export function isStepName(s: string): boolean {
  return (Object.values(FIXED_STEPS) as string[]).includes(s) || /^(import|generate|prove):(9a|9c|9d|9e|8[2-9a-f]|9[0-5])$/.test(s);
}
