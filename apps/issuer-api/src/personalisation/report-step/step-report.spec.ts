import { parseStepReport, safeDetails } from './step-report';

const R = '00000000-0000-4000-8000-0000000000a1';

describe('step reports from workers', () => {
  it('reads a plan (known steps only, at most 64) and a step', () => {
    expect(parseStepReport({ requestId: R, attempt: 2, plan: true, steps: ['claim', 42, 'nope!', 'issued'] })).toEqual({
      kind: 'plan',
      requestId: R,
      attempt: 2,
      steps: ['claim', 'issued'],
    });
    expect(parseStepReport({ requestId: R, attempt: 1, step: 'generate:9a', outcome: 'skipped' })).toEqual({
      kind: 'step',
      requestId: R,
      attempt: 1,
      step: 'generate:9a',
      outcome: 'skipped',
      details: {},
    });
  });

  it('is no report without a request id, a positive attempt, a known step and outcome', () => {
    for (const raw of [
      { attempt: 1, step: 'claim', outcome: 'done' },
      { requestId: 'x', attempt: 1, step: 'claim', outcome: 'done' },
      { requestId: R, attempt: 0, step: 'claim', outcome: 'done' },
      { requestId: R, attempt: 1.5, step: 'claim', outcome: 'done' },
      { requestId: R, attempt: 1, step: 'claim ', outcome: 'done' },
      { requestId: R, attempt: 1, step: 'claim', outcome: 'won' },
    ])
      expect(parseStepReport(raw)).toBeUndefined();
  });

  it('keeps only short scalar details under plain names', () => {
    expect(safeDetails({ sw: '6A82', tries: 3, ok: true, nested: { a: 1 }, 'no-dash': 1, nan: NaN, long: 'x'.repeat(300) })).toEqual({
      sw: '6A82',
      tries: 3,
      ok: true,
      long: 'x'.repeat(200),
    });
    expect(safeDetails('text')).toEqual({});
  });
});
