import { canTransition, isTerminal, REQUEST_STATES, REQUEST_TRANSITIONS, type RequestState } from './request-state';

describe('issuance request state machine', () => {
  it('walks the happy path one step at a time', () => {
    const path: RequestState[] = ['requested', 'keys-generated', 'escrowed', 'awaiting-card', 'personalising', 'verifying', 'issued'];
    for (let i = 1; i < path.length; i++)
      expect([path[i - 1], path[i], canTransition(path[i - 1], path[i])]).toEqual([path[i - 1], path[i], true]);
  });

  it('never skips a step forward (no card job before the escrow, no issue before verification)', () => {
    const order = REQUEST_STATES.slice(0, 7);
    for (let i = 0; i < order.length; i++) {
      for (let j = i + 2; j < order.length; j++)
        expect([order[i], order[j], canTransition(order[i], order[j])]).toEqual([order[i], order[j], false]);
      for (let j = 0; j < i; j++) {
        const back = order[j] === 'awaiting-card' && (order[i] === 'personalising' || order[i] === 'verifying');
        expect([order[i], order[j], canTransition(order[i], order[j])]).toEqual([order[i], order[j], back]);
      }
    }
  });

  it('ends in issued, failed or cancelled and leaves none of them', () => {
    for (const s of ['issued', 'failed', 'cancelled'] as const) {
      expect(isTerminal(s)).toBe(true);
      expect(REQUEST_TRANSITIONS[s]).toEqual([]);
    }
  });

  it('lets an officer cancel only before a card is claimed, and anything but issued fail', () => {
    expect(REQUEST_STATES.filter((s) => canTransition(s, 'cancelled'))).toEqual([
      'requested',
      'keys-generated',
      'escrowed',
      'awaiting-card',
    ]);
    expect(REQUEST_STATES.filter((s) => canTransition(s, 'failed'))).toEqual([
      'requested',
      'keys-generated',
      'escrowed',
      'awaiting-card',
      'personalising',
      'verifying',
      'failed-card',
    ]);
  });

  it('parks a request whose card refuses the same way in failed-card, not terminal, until an officer decides', () => {
    expect(REQUEST_STATES.filter((s) => canTransition(s, 'failed-card'))).toEqual(['personalising', 'verifying']);
    expect(isTerminal('failed-card')).toBe(false);
    expect(REQUEST_TRANSITIONS['failed-card']).toEqual(['awaiting-card', 'failed']);
  });

  it('sends a request whose card left the reader mid-way (or an officer retries it) back to wait for that card, and nowhere else back', () => {
    expect(REQUEST_STATES.filter((s) => canTransition(s, 'awaiting-card'))).toEqual([
      'escrowed',
      'personalising',
      'verifying',
      'failed-card',
    ]);
  });

  it('names only known states', () => {
    for (const [from, tos] of Object.entries(REQUEST_TRANSITIONS)) {
      expect(REQUEST_STATES).toContain(from);
      for (const t of tos) expect(REQUEST_STATES).toContain(t);
    }
  });
});
