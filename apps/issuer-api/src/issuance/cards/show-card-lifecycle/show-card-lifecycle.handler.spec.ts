import { CARD_STATES } from '../card-lifecycle';
import { ShowCardLifecycleHandler } from './show-card-lifecycle.handler';
import { ShowCardLifecycleQuery } from './show-card-lifecycle.query';

describe('ShowCardLifecycleHandler', () => {
  it('answers the lifecycle table: every state with who enters it, where it may go and what it does to certificates', async () => {
    const table = await new ShowCardLifecycleHandler().execute(new ShowCardLifecycleQuery());
    expect(Object.keys(table)).toEqual([...CARD_STATES]);
    expect(table.suspended).toEqual({
      enteredBy: 'left at home / temporarily lost',
      to: ['active', 'lost', 'stolen', 'damaged', 'replaced', 'terminated', 'expired'],
      effect: { kind: 'hold' },
    });
    expect(table.stolen.effect).toEqual({ kind: 'revoke', reason: 'keyCompromise' });
  });
});
