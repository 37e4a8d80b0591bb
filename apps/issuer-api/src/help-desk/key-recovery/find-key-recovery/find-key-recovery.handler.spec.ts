import { HelpdeskWorld } from '../../testing/help-desk-world';
import { KeyRecoveryErrorCode as E } from '../key-recovery-errors';
import { FindKeyRecoveryHandler } from './find-key-recovery.handler';
import { FindKeyRecoveryQuery } from './find-key-recovery.query';

describe('FindKeyRecoveryHandler', () => {
  it('finds the recovery an approval made, and says when there is none (yet)', async () => {
    const w = new HelpdeskWorld();
    w.recoveries.seed({ id: 'k1', cardholderId: 'c1', requestedBy: 'o1', approvalId: 'a1' });
    const find = new FindKeyRecoveryHandler(w.recoveries);
    expect(await find.execute(new FindKeyRecoveryQuery('a1'))).toMatchObject({ id: 'k1', approvalId: 'a1', state: 'approved' });
    await expect(find.execute(new FindKeyRecoveryQuery('a2'))).rejects.toMatchObject({
      code: E.NotFound,
      message: 'no approved key recovery for approval a2 (yet)',
    });
  });
});
