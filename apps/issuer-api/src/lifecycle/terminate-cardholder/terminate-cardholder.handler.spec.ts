import { randomUUID } from 'node:crypto';
import { ArchiveErrorCode } from '@scm/archive';
import type { CardholderEntity } from '@scm/db';
import { HelpdeskWorld } from '../../help-desk/testing/help-desk-world';
import type { OutboxRepository } from '../../platform/outbox/outbox.repository';
import { testActor } from '../../platform/testing/test-unit-of-work';
import { EscrowPurgeService } from '../escrow-purge.service';
import { InMemoryTerminationRepository } from '../in-memory-termination.repository';
import { LeaverService } from '../leaver.service';
import { LifecycleErrorCode } from '../lifecycle-errors';
import { ProposeEscrowPurgeCommand } from '../propose-escrow-purge/propose-escrow-purge.command';
import { ProposeEscrowPurgeHandler } from '../propose-escrow-purge/propose-escrow-purge.handler';
import { TerminateCardholderCommand } from './terminate-cardholder.command';
import { TerminateCardholderHandler } from './terminate-cardholder.handler';

const SECOND = '00000000-0000-4000-8000-0000000000b2';
const DAY_MS = 86_400_000;

describe('TerminateCardholderHandler and the escrow purge', () => {
  const setup = async () => {
    const w = new HelpdeskWorld();
    const holders = w.helpdeskCards.holders as Map<string, CardholderEntity>;
    const leavers = new InMemoryTerminationRepository(holders, w.cards, w.requests, w.vscs, w.approvalRepo);
    const finished: string[][] = [];
    const outbox = { finishJobs: async (_tx: unknown, ids: string[]) => void finished.push(ids) } as unknown as OutboxRepository;
    const leaver = new LeaverService(leavers, w.lifecycle, w.states, w.certificates, w.statuses.asService(), w.revocation, w.vscs, outbox);
    const handler = new TerminateCardholderHandler(w.uow, leaver, leavers, { SCM_ESCROW_RETENTION_DAYS: 30 });
    const purges = new EscrowPurgeService(w.approvals, leavers);
    purges.register();
    const propose = new ProposeEscrowPurgeHandler(w.uow, purges);
    // An active card with its escrow and certificates, a request waiting for a card, and a stand-in.
    const active = await w.card('active');
    const holderId = active.holderId;
    holders.set(holderId, { ...holders.get(holderId)!, status: 'active', name: 'Ada Leaver' } as CardholderEntity);
    const activeRequest = w.cards.rows.get(active.cardId)!.requestId!;
    for (const slot of ['9a', '9d']) w.certificates.seed({ serial: `a${slot}`, reference: { requestId: activeRequest, slot } });
    const waiting = w.requests.seed({ id: randomUUID(), state: 'awaiting-card', cardholderId: holderId });
    w.certificates.seed({ serial: 'b9d', reference: { requestId: waiting.id, slot: '9d' } });
    const tmp = await w.temporaryCard();
    w.temporary.rows.set(tmp.id, { ...tmp, cardholderId: holderId });
    leavers.activations.set('act-1', { cardId: active.cardId, state: 'open' });
    leavers.updates.set('upd-1', { cardId: active.cardId, state: 'pending' });
    return { w, holders, leavers, handler, propose, purges, holderId, active, waiting, tmp, finished };
  };

  it('ends every card, request, certificate, activation and temporary card of the cardholder, and keeps the escrow for the retention period', async () => {
    const { w, holders, leavers, handler, holderId, active, waiting, tmp, finished } = await setup();
    const v = await handler.execute(new TerminateCardholderCommand(holderId, 'left the company', testActor()));
    expect(v).toMatchObject({ cardholderId: holderId, escrow: 'retained' });
    expect(Date.parse(v.retainUntil) - w.now.getTime()).toBe(30 * DAY_MS);
    expect(holders.get(holderId)!.status).toBe('offboarded');
    expect(w.cards.rows.get(active.cardId)!.state).toBe('terminated');
    expect(w.requests.rows.get(waiting.id)!.state).toBe('cancelled');
    expect(finished).toHaveLength(1);
    expect(w.temporary.rows.get(tmp.id)!.state).toBe('revoked');
    expect(leavers.activations.get('act-1')!.state).toBe('cancelled');
    expect(leavers.updates.get('upd-1')!.state).toBe('cancelled');
    const revoked = w.statuses.applied.filter((a) => a.change.action === 'revoke');
    expect(new Set(revoked.map((a) => a.serial))).toEqual(new Set(['a9a', 'a9d', 'b9d']));
    expect(revoked.every((a) => a.change.action === 'revoke' && a.change.reason === 'cessationOfOperation')).toBe(true);
    expect([...w.vscs.vscs.values()].filter((x) => x.cardholderId === holderId).every((x) => x.state.status === 'disabled')).toBe(true);
    expect(w.uow.events.filter((e) => e.action === 'cardholder.terminated').map((e) => e.outcome)).toEqual(['success']);
    // Twice is refused, audited.
    await expect(handler.execute(new TerminateCardholderCommand(holderId, 'again', testActor()))).rejects.toMatchObject({
      code: LifecycleErrorCode.AlreadyTerminated,
    });
    expect(w.uow.events.filter((e) => e.action === 'cardholder.terminated').map((e) => e.outcome)).toEqual(['success', 'denied']);
  });

  it('a purge is refused within the retention period; after it, a second officer approves it: the versions are emptied, recorded and never recovered again', async () => {
    const { w, leavers, handler, propose, holderId, active } = await setup();
    await expect(propose.execute(new ProposeEscrowPurgeCommand(holderId, testActor()))).rejects.toMatchObject({
      code: LifecycleErrorCode.NotTerminated,
    });
    await handler.execute(new TerminateCardholderCommand(holderId, 'left', testActor()));
    leavers.archived.set(`${active.vscId}/1`, 7);
    await expect(propose.execute(new ProposeEscrowPurgeCommand(holderId, testActor()))).rejects.toMatchObject({
      code: LifecycleErrorCode.RetentionRunning,
    });
    // Still recoverable meanwhile.
    await w.uow.run(testActor(), async (tx) => (await w.escrowSource.open(tx, { vscId: active.vscId!, version: 1 }, 'escrow')).vsc.close());

    w.uow.testClock.advance(30 * DAY_MS);
    const p = await propose.execute(new ProposeEscrowPurgeCommand(holderId, testActor()));
    const req = w.approvalRepo.requests.get(p.id)!;
    expect(req.subject).toMatchObject({
      cardholderId: holderId,
      versions: expect.arrayContaining([expect.objectContaining({ vscId: active.vscId, version: 1 })]),
    });
    const decided = await w.uow.run(testActor(SECOND), (tx) =>
      w.approvals.decide(tx, p.id, { id: SECOND, roles: ['security-officer'] }, 'approve', p.subjectHash),
    );
    expect(decided).toMatchObject({ request: { status: 'executed' } });
    const stored = w.vscs.stored.find((v) => v.vscId === active.vscId && v.version === 1)!;
    expect([stored.content.length, stored.purgedAt]).toEqual([0, w.now]);
    expect(leavers.purges).toEqual([
      expect.objectContaining({
        cardholderId: holderId,
        approvedBy: `user:${SECOND}`,
        versions: expect.arrayContaining([expect.objectContaining({ vscId: active.vscId, volume: 7 })]),
      }),
    ]);
    expect((await leavers.get(holderId))!.purgedAt).toEqual(w.now);
    await expect(
      w.uow.run(testActor(), async (tx) => (await w.escrowSource.open(tx, { vscId: active.vscId!, version: 1 }, 'any')).vsc.close()),
    ).rejects.toMatchObject({ code: ArchiveErrorCode.Purged, message: expect.stringMatching(/its keys can no longer be recovered/) });
    await expect(propose.execute(new ProposeEscrowPurgeCommand(holderId, testActor()))).rejects.toMatchObject({
      code: LifecycleErrorCode.AlreadyPurged,
    });
  });
});
