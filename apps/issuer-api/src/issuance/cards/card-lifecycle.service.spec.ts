import type { CertificateInfo } from '@scm/ca';
import { InMemoryCertificateRepository } from '../../pki/in-memory-certificate.repository';
import type { CertificateStatusAction, CertificateStatusService } from '../../pki/certificate-status.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { CardError, CardErrorCode } from './card-errors';
import { CardLifecycleService } from './card-lifecycle.service';
import { InMemoryCardRepository } from './in-memory-card.repository';

/** Records the status changes it is asked for (the CA itself is tested on SoftHSM2). */
class RecordingStatuses {
  readonly applied: Array<{ serial: string; change: CertificateStatusAction }> = [];
  async apply(_tx: Tx, serial: string, change: CertificateStatusAction): Promise<CertificateInfo> {
    this.applied.push({ serial, change });
    return {} as CertificateInfo;
  }
}

function setup() {
  const cards = new InMemoryCardRepository();
  const certs = new InMemoryCertificateRepository();
  const statuses = new RecordingStatuses();
  const lifecycle = new CardLifecycleService(cards, certs, statuses as unknown as CertificateStatusService);
  for (const [serial, status, slot] of [
    ['01', 'valid', '9a'],
    ['02', 'valid', '9d'],
    ['03', 'revoked', '9c'],
    ['04', 'on-hold', '9e'],
  ] as const) {
    certs.seed({ serial, status, reference: { requestId: 'r1', slot } });
  }
  certs.seed({ serial: '09', reference: { requestId: 'other' } });
  return { cards, statuses, lifecycle, uow: new TestUnitOfWork() };
}

describe('CardLifecycleService', () => {
  it('registers a card with its first history line and audit event', async () => {
    const { cards, lifecycle, uow } = setup();
    const card = await uow.run(testActor(), (tx) =>
      lifecycle.register(tx, { id: 'k1', serial: '00001079', state: 'personalising', requestId: 'r1' }),
    );
    expect(card).toMatchObject({ id: 'k1', serial: '00001079', state: 'personalising', requestId: 'r1' });
    expect(cards.history).toEqual([
      { cardId: 'k1', from: null, to: 'personalising', actor: testActor().actor, details: { serial: '00001079', requestId: 'r1' } },
    ]);
    expect(uow.events).toEqual([expect.objectContaining({ action: 'card.personalising', targetId: 'k1', outcome: 'success' })]);
  });

  it('reported lost: revokes the valid and held certificates of its request (keyCompromise), not the revoked or others', async () => {
    const { cards, statuses, lifecycle, uow } = setup();
    cards.seed({ id: 'k1', state: 'active', requestId: 'r1' });
    const r = await uow.run(testActor(), (tx) => lifecycle.transition(tx, 'k1', 'lost', { report: 'lost' }));
    expect(r).toMatchObject({ card: { state: 'lost' }, certificates: ['01', '02', '04'] });
    expect(statuses.applied).toEqual(
      ['01', '02', '04'].map((serial) => ({ serial, change: { action: 'revoke', reason: 'keyCompromise' } })),
    );
    expect(cards.rows.get('k1')?.state).toBe('lost');
    expect(cards.history.at(-1)).toMatchObject({
      from: 'active',
      to: 'lost',
      details: { report: 'lost', certificates: ['01', '02', '04'] },
    });
  });

  it('suspended puts the valid certificates on hold; active again releases the held ones', async () => {
    const { cards, statuses, lifecycle, uow } = setup();
    cards.seed({ id: 'k1', state: 'active', requestId: 'r1' });
    await uow.run(testActor(), (tx) => lifecycle.transition(tx, 'k1', 'suspended'));
    expect(statuses.applied.map((a) => [a.serial, a.change.action])).toEqual([
      ['01', 'hold'],
      ['02', 'hold'],
    ]);
    statuses.applied.length = 0;
    await uow.run(testActor(), (tx) => lifecycle.transition(tx, 'k1', 'active'));
    expect(statuses.applied.map((a) => [a.serial, a.change.action])).toEqual([['04', 'release']]);
  });

  it('refuses a transition the lifecycle does not allow, audits it and changes nothing', async () => {
    const { cards, statuses, lifecycle, uow } = setup();
    cards.seed({ id: 'k1', state: 'spoiled', requestId: 'r1' });
    const r = await uow.run(testActor(), (tx) => lifecycle.transition(tx, 'k1', 'active'));
    expect(r).toBeInstanceOf(CardError);
    expect((r as CardError).code).toBe(CardErrorCode.IllegalTransition);
    expect(cards.rows.get('k1')?.state).toBe('spoiled');
    expect(statuses.applied).toEqual([]);
    expect(uow.events).toEqual([expect.objectContaining({ action: 'card.active', outcome: 'denied' })]);
    const missing = await uow.run(testActor(), (tx) => lifecycle.transition(tx, 'nope', 'active'));
    expect((missing as CardError).code).toBe(CardErrorCode.NotFound);
  });
});
