import { HelpdeskWorld } from '../../testing/help-desk-world';
import { KeyRecoveryErrorCode as E } from '../key-recovery-errors';
import { ShowKeyRecoveryHandler } from './show-key-recovery.handler';
import { ShowKeyRecoveryQuery } from './show-key-recovery.query';

describe('ShowKeyRecoveryHandler', () => {
  it('shows a recovery and which keys went out, never the keys', async () => {
    const w = new HelpdeskWorld();
    const keys = [{ vscId: 'v1', slot: '9d', serial: '0a' }];
    const at = new Date('2026-12-01T08:30:00Z');
    w.recoveries.seed({ id: 'k1', cardholderId: 'c1', requestedBy: 'o1', state: 'delivered', deliveredAt: at, keys });
    expect(await new ShowKeyRecoveryHandler(w.recoveries).execute(new ShowKeyRecoveryQuery('k1'))).toEqual({
      id: 'k1',
      cardholderId: 'c1',
      cardId: null,
      reason: 'old mail of a departed colleague',
      state: 'delivered',
      approvalId: '00000000-0000-4000-8000-00000000a001',
      requestedBy: 'o1',
      createdAt: '2026-11-30T08:00:00.000Z',
      deliveredAt: at.toISOString(),
      keys,
    });
  });

  it('is NotFound for an unknown recovery', async () => {
    const w = new HelpdeskWorld();
    await expect(new ShowKeyRecoveryHandler(w.recoveries).execute(new ShowKeyRecoveryQuery('nope'))).rejects.toMatchObject({
      code: E.NotFound,
    });
  });
});
