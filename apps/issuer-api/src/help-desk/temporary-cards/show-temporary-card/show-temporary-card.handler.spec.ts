import { HelpdeskWorld } from '../../testing/help-desk-world';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { ShowTemporaryCardHandler } from './show-temporary-card.handler';
import { ShowTemporaryCardQuery } from './show-temporary-card.query';

describe('ShowTemporaryCardHandler', () => {
  it('shows the card with its cardholder, host, version and the certificates made for it, by slot', async () => {
    const w = new HelpdeskWorld();
    const t = await w.temporaryCard({ state: 'active' });
    w.certificates.seed({ serial: 'c2', reference: { temporaryCardId: t.id, slot: '9e' }, notAfter: t.expiresAt });
    w.certificates.seed({ serial: 'c1', reference: { temporaryCardId: t.id, slot: '9a' }, notAfter: t.expiresAt });
    w.certificates.seed({ serial: 'x', reference: { requestId: 'other', slot: '9a' } });
    const host = w.workers.workers.get(t.hostWorkerId)!;
    const view = await new ShowTemporaryCardHandler(w.temporaryViews, w.uow.testClock).execute(new ShowTemporaryCardQuery(t.id));
    expect(view).toEqual({
      id: t.id,
      label: w.vscs.vscs.get(t.id)!.label,
      cardholderId: t.cardholderId,
      cardholder: 'Ada Example',
      cardId: t.cardId,
      serial: w.cards.rows.get(t.cardId!)!.serial,
      host: { workerId: t.hostWorkerId, name: host.name, workstation: host.workstation },
      state: 'active',
      expiresAt: t.expiresAt.toISOString(),
      pin: { remaining: 3, tries: 3 },
      version: 1,
      approvalId: t.approvalId,
      sourceVsc: { id: t.sourceVscId, version: 1 },
      createdAt: t.createdAt.toISOString(),
      activatedAt: null,
      closedAt: null,
      closeReason: null,
      certificates: [
        { slot: '9a', serial: 'c1', notAfter: t.expiresAt.toISOString(), status: 'valid', fresh: true },
        { slot: '9e', serial: 'c2', notAfter: t.expiresAt.toISOString(), status: 'valid', fresh: true },
      ],
    });
  });

  it('shows an open card past its expiry as expired before the sweep marks it, and refuses an unknown id', async () => {
    const w = new HelpdeskWorld();
    const t = await w.temporaryCard({ state: 'active', expiresAt: new Date('2026-12-01T08:00:00Z') });
    const show = new ShowTemporaryCardHandler(w.temporaryViews, w.uow.testClock);
    expect((await show.execute(new ShowTemporaryCardQuery(t.id))).state).toBe('expired');
    await expect(show.execute(new ShowTemporaryCardQuery('00000000-0000-4000-8000-000000000404'))).rejects.toMatchObject({
      code: E.NotFound,
    });
  });
});
