import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { PersonalisationErrorCode as E } from '../personalisation-errors';
import {
  attemptProblem,
  claimantProblem,
  issuanceClaimantProblem,
  MAX_REFUSED_ATTEMPTS,
  nextAttempt,
  refusalVerdict,
} from './attempt-rules';
import type { Attempt } from './personalisation.repository';

const request = (r: Partial<IssuanceRequest> = {}) =>
  ({ id: 'r1', state: 'personalising', workerId: 'w1', cardId: 'k1', ...r }) as IssuanceRequest;
const now = new Date('2026-12-01T09:00:00Z');

describe('attempt rules', () => {
  it('a worker acts on the card of a request it claimed while the request is in the given states', () => {
    expect(claimantProblem(request(), 'r1', 'w1')).toBeUndefined();
    expect(claimantProblem(request({ state: 'verifying' }), 'r1', 'w1')).toBeUndefined();
    expect(claimantProblem(request({ state: 'personalising' }), 'r1', 'w1', ['verifying'])).toMatchObject({
      code: E.NotClaimant,
      meta: { state: 'personalising' },
    });
    expect(claimantProblem(undefined, 'r1', 'w1')?.code).toBe(E.NotFound);
    expect(claimantProblem(request({ workerId: 'w2' }), 'r1', 'w1')?.code).toBe(E.NotClaimant);
    expect(claimantProblem(request({ cardId: null }), 'r1', 'w1')?.code).toBe(E.NotClaimant);
  });

  it('the attempt must be on the bound card', () => {
    const attempt = { cardId: 'k1' } as Attempt;
    expect(attemptProblem('r1', attempt, { id: 'k1' } as Card)).toBeUndefined();
    expect(attemptProblem('r1', attempt, { id: 'k2' } as Card)?.code).toBe(E.NotClaimant);
    expect(attemptProblem('r1', undefined, { id: 'k1' } as Card)?.code).toBe(E.NotClaimant);
  });

  it('what the worker fetches and submits for the card wants a personalising request it claimed (issuance errors)', () => {
    expect(issuanceClaimantProblem(request(), 'r1', 'w1')).toBeUndefined();
    expect(issuanceClaimantProblem(request({ state: 'verifying' }), 'r1', 'w1')?.code).toBe(IssuanceErrorCode.IllegalTransition);
    expect(issuanceClaimantProblem(request({ workerId: 'w2' }), 'r1', 'w1')?.code).toBe(IssuanceErrorCode.NotClaimant);
    expect(issuanceClaimantProblem(undefined, 'r1', 'w1')?.code).toBe(IssuanceErrorCode.NotFound);
  });

  it('the next attempt counts on, starts its steps afresh, and keeps the management key only on the same card', () => {
    const last = {
      requestId: 'r1',
      cardId: 'k1',
      workerId: 'w1',
      attempt: 3,
      managementKey: 'diversified',
      stepsDone: 7,
      stepsTotal: 18,
      lastStep: 'pin',
      proofNonce: Buffer.alloc(1),
      refusals: 1,
      refusedStep: 'objects',
      refusedSw: '6A80',
    } as Attempt;
    expect(nextAttempt(undefined, { requestId: 'r1', cardId: 'k1', workerId: 'w1' }, now)).toMatchObject({
      attempt: 1,
      managementKey: 'transport',
    });
    expect(nextAttempt(last, { requestId: 'r1', cardId: 'k1', workerId: 'w2' }, now)).toEqual({
      requestId: 'r1',
      cardId: 'k1',
      workerId: 'w2',
      attempt: 4,
      managementKey: 'diversified',
      stepsTotal: null,
      stepsDone: 0,
      lastStep: null,
      proofNonce: null,
      decryptCheck: null,
      refusals: 1,
      refusedStep: 'objects',
      refusedSw: '6A80',
      startedAt: now,
      updatedAt: now,
    });
    expect(nextAttempt(last, { requestId: 'r1', cardId: 'k2', workerId: 'w1' }, now)).toMatchObject({
      managementKey: 'transport',
      refusals: 0,
      refusedStep: null,
      refusedSw: null,
    });
  });

  it('ends in failed-card when the card refuses the same step with the same status word twice, or refuses three attempts', () => {
    const none = { refusals: 0, refusedStep: null, refusedSw: null };
    const put = { step: 'objects', sw: '6A80' };
    expect(refusalVerdict(none, put)).toEqual({ final: false, repeated: false, refusals: 1 });
    expect(refusalVerdict({ refusals: 1, refusedStep: 'objects', refusedSw: '6A80' }, put)).toEqual({
      final: true,
      repeated: true,
      refusals: 2,
    });
    // Another status word, or another step: tried again, but never more than three refused attempts.
    expect(refusalVerdict({ refusals: 1, refusedStep: 'objects', refusedSw: '6A84' }, put).final).toBe(false);
    expect(refusalVerdict({ refusals: 1, refusedStep: 'import:9d', refusedSw: '6A80' }, put).final).toBe(false);
    expect(refusalVerdict({ refusals: MAX_REFUSED_ATTEMPTS - 1, refusedStep: 'import:9d', refusedSw: '6A80' }, put)).toEqual({
      final: true,
      repeated: false,
      refusals: 3,
    });
    // A refusal without a status word (a malformed answer) repeats when the step repeats.
    expect(refusalVerdict({ refusals: 1, refusedStep: 'objects', refusedSw: null }, { step: 'objects', sw: null }).final).toBe(true);
  });
});
