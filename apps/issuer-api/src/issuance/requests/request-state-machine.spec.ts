import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { InMemoryRequestRepository } from './in-memory-request.repository';
import { IssuanceError, IssuanceErrorCode } from './issuance-errors';
import { RequestStateMachine } from './request-state-machine';

describe('RequestStateMachine.transition', () => {
  const setup = () => {
    const requests = new InMemoryRequestRepository();
    const row = requests.seed({ id: 'r1', batchId: 'b1', state: 'escrowed' });
    return { requests, row, states: new RequestStateMachine(requests), uow: new TestUnitOfWork() };
  };

  it('moves a request one allowed step: state, history, audit and an announcement', async () => {
    const { requests, row, states, uow } = setup();
    const r = await uow.run(testActor(), (tx) => states.transition(tx, row, 'awaiting-card', { details: { job: 'personalise-card' } }));
    expect(r).toMatchObject({ id: 'r1', state: 'awaiting-card' });
    expect(requests.rows.get('r1')?.state).toBe('awaiting-card');
    expect(requests.history).toEqual([
      { requestId: 'r1', from: 'escrowed', to: 'awaiting-card', actor: testActor().actor, details: { job: 'personalise-card' } },
    ]);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'issuance-request.awaiting-card',
        targetType: 'issuance-request',
        targetId: 'r1',
        outcome: 'success',
        details: { from: 'escrowed', to: 'awaiting-card', job: 'personalise-card' },
      }),
    ]);
    expect(requests.announced).toEqual([
      { type: 'state', requestId: 'r1', batchId: 'b1', from: 'escrowed', state: 'awaiting-card', at: uow.testClock.now().toISOString() },
    ]);
  });

  it('records a failure with the request and in its history', async () => {
    const { requests, row, states, uow } = setup();
    await uow.run(testActor(), (tx) => states.transition(tx, row, 'failed', { failure: 'card refused PUT DATA' }));
    expect(requests.rows.get('r1')).toMatchObject({ state: 'failed', failure: 'card refused PUT DATA' });
    expect(requests.history[0].details).toEqual({ failure: 'card refused PUT DATA' });
  });

  it('refuses a step the table does not allow, audits the refusal and writes nothing', async () => {
    const { requests, row, states, uow } = setup();
    const r = await uow.run(testActor(), (tx) => states.transition(tx, { ...row, state: 'requested' }, 'awaiting-card'));
    expect(r).toBeInstanceOf(IssuanceError);
    expect((r as IssuanceError).code).toBe(IssuanceErrorCode.IllegalTransition);
    expect(requests.history).toEqual([]);
    expect(requests.rows.get('r1')?.state).toBe('escrowed');
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'issuance-request.awaiting-card',
        outcome: 'denied',
        details: { from: 'requested', to: 'awaiting-card', reason: 'illegal-transition' },
      }),
    ]);
  });

  it('refuses when the caller expects another state, and when the row moved under an unlocked caller', async () => {
    const { requests, row, states, uow } = setup();
    const a = await uow.run(testActor(), (tx) => states.transition(tx, row, 'failed', { expect: ['requested'] }));
    expect(a).toBeInstanceOf(IssuanceError);
    requests.rows.set('r1', { ...row, state: 'awaiting-card' });
    const before = uow.events.length;
    const b = await uow.run(testActor(), (tx) => states.transition(tx, row, 'awaiting-card'));
    expect((b as IssuanceError).message).toMatch(/changed concurrently/);
    expect(uow.events.length).toBe(before);
  });
});
