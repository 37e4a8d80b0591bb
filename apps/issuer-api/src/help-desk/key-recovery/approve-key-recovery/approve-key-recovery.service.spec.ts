import { testActor } from '../../../platform/testing/test-unit-of-work';
import { approvalOf, HelpdeskWorld } from '../../testing/help-desk-world';
import { KEY_RECOVERY_KIND } from '../key-recovery-approval';
import { ApproveKeyRecovery } from './approve-key-recovery.service';

describe('ApproveKeyRecovery (the approval executor)', () => {
  it('records the approved recovery for the officer who asked, and audits it', async () => {
    const w = new HelpdeskWorld();
    const approval = approvalOf({
      kind: KEY_RECOVERY_KIND,
      subject: { cardholderId: 'c1', cardId: 'k1', reason: 'old mail', requestedBy: 'olga' },
      approverRole: 'security-officer',
      requiredApprovals: 2,
      requestedBy: '00000000-0000-4000-8000-0000000000b1',
    });
    await w.uow.run(testActor(), (tx) => new ApproveKeyRecovery(w.recoveries).execute(tx, approval));
    const [r] = [...w.recoveries.rows.values()];
    expect(r).toEqual({
      id: r.id,
      cardholderId: 'c1',
      cardId: 'k1',
      approvalId: approval.id,
      reason: 'old mail',
      state: 'approved',
      requestedBy: '00000000-0000-4000-8000-0000000000b1',
      createdAt: w.now,
      deliveredAt: null,
      keys: [],
    });
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'key-recovery.approved',
        targetId: 'c1',
        outcome: 'success',
        details: { recoveryId: r.id, approvalId: approval.id },
      }),
    ]);
  });
});
