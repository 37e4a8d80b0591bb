import type { CertificateInfo } from '@scm/ca';
import type { CertificateStatusAction, CertificateStatusService } from '../../../pki/certificate-status.service';
import { InMemoryCertificateRepository } from '../../../pki/in-memory-certificate.repository';
import type { Tx } from '../../../platform/infra/unit-of-work';
import { InMemoryOutboxRepository } from '../../../platform/outbox/in-memory-outbox.repository';
import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryRequestRepository } from '../in-memory-request.repository';
import { IssuanceErrorCode } from '../issuance-errors';
import { RequestStateMachine } from '../request-state-machine';
import { CancelRequestCommand } from './cancel-request.command';
import { CancelRequestHandler } from './cancel-request.handler';

/** Records the status changes it is asked for (the CA itself is tested on SoftHSM2). */
class RecordingStatuses {
  readonly applied: Array<{ serial: string; change: CertificateStatusAction; comment?: string }> = [];
  async apply(_tx: Tx, serial: string, change: CertificateStatusAction, comment?: string): Promise<CertificateInfo> {
    this.applied.push({ serial, change, comment });
    return {} as CertificateInfo;
  }
}

function setup(state: 'escrowed' | 'personalising' = 'escrowed') {
  const requests = new InMemoryRequestRepository();
  requests.seed({ id: 'r1', batchId: 'b1', state });
  const certs = new InMemoryCertificateRepository();
  certs.seed({ serial: '01', status: 'valid', reference: { requestId: 'r1', slot: '9d' } });
  certs.seed({ serial: '02', status: 'on-hold', reference: { requestId: 'r1', slot: '9e' } });
  certs.seed({ serial: '03', status: 'revoked', reference: { requestId: 'r1', slot: '9c' } });
  certs.seed({ serial: '04', status: 'valid', reference: { requestId: 'r2', slot: '9d' } });
  const statuses = new RecordingStatuses();
  const outbox = new InMemoryOutboxRepository();
  const uow = new TestUnitOfWork();
  const handler = new CancelRequestHandler(
    uow,
    new RequestStateMachine(requests),
    requests,
    certs,
    outbox,
    statuses as unknown as CertificateStatusService,
  );
  return { requests, statuses, outbox, uow, handler };
}

describe('CancelRequestHandler', () => {
  it('cancels the request, revokes its unrevoked certificates and settles its jobs', async () => {
    const { requests, statuses, outbox, uow, handler } = setup();
    const r = await handler.execute(new CancelRequestCommand('r1', testActor(), 'duplicate request'));
    expect(r).toEqual({ id: 'r1', state: 'cancelled', revoked: ['01', '02'] });
    expect(requests.rows.get('r1')?.state).toBe('cancelled');
    expect(requests.history).toEqual([
      { requestId: 'r1', from: 'escrowed', to: 'cancelled', actor: testActor().actor, details: { reason: 'duplicate request' } },
    ]);
    expect(statuses.applied).toEqual(
      ['01', '02'].map((serial) => ({
        serial,
        change: { action: 'revoke', reason: 'cessationOfOperation' },
        comment: 'request r1 cancelled',
      })),
    );
    expect(outbox.finished).toEqual(['generate-keys|requestId=r1']);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'issuance-request.cancelled',
        targetId: 'r1',
        outcome: 'success',
        details: expect.objectContaining({ from: 'escrowed' }),
      }),
    ]);
  });

  it('refuses once a card is claimed: the refusal is audited and nothing is revoked', async () => {
    const { requests, statuses, outbox, uow, handler } = setup('personalising');
    await expect(handler.execute(new CancelRequestCommand('r1', testActor()))).rejects.toMatchObject({
      code: IssuanceErrorCode.IllegalTransition,
    });
    expect(requests.rows.get('r1')?.state).toBe('personalising');
    expect(statuses.applied).toEqual([]);
    expect(outbox.finished).toEqual([]);
    expect(uow.committed).toEqual([
      {
        events: [expect.objectContaining({ action: 'issuance-request.cancelled', outcome: 'denied' })],
        jobs: [],
        refused: expect.objectContaining({ code: IssuanceErrorCode.IllegalTransition }),
      },
    ]);
  });

  it('is NotFound for an unknown request, and commits nothing', async () => {
    const { uow, handler } = setup();
    await expect(handler.execute(new CancelRequestCommand('nope', testActor()))).rejects.toMatchObject({
      code: IssuanceErrorCode.NotFound,
    });
    expect(uow.committed).toEqual([]);
  });
});
