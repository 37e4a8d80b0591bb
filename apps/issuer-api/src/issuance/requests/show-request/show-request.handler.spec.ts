import { InMemoryCertificateRepository } from '../../../pki/in-memory-certificate.repository';
import { InMemoryCardholderRepository } from '../../cardholders/in-memory-cardholder.repository';
import { InMemoryVscRepository } from '../../vsc-escrow/in-memory-vsc.repository';
import { InMemoryRequestRepository } from '../in-memory-request.repository';
import { IssuanceErrorCode } from '../issuance-errors';
import { ShowRequestHandler } from './show-request.handler';
import { ShowRequestQuery } from './show-request.query';

const at = (m: number) => new Date(Date.UTC(2026, 11, 1, 9, m));
const tx = (m: number) => ({ em: undefined as never, now: at(m) });

async function setup() {
  const requests = new InMemoryRequestRepository();
  const cardholders = new InMemoryCardholderRepository();
  const vscs = new InMemoryVscRepository();
  const certs = new InMemoryCertificateRepository();
  cardholders.seed({ id: 'c1', name: 'Alice Martin', upn: 'amartin@corp', email: 'alice@example.org' });
  requests.seed({
    id: 'r1',
    batchId: 'b1',
    cardholderId: 'c1',
    profileVersion: 2,
    state: 'escrowed',
    stateChangedAt: at(2),
    createdAt: at(0),
    profile: {
      ...requests.seed({ id: 'tmp', state: 'requested' }).profile,
      slots: {
        '9a': { algorithm: 'p256', template: 'piv-authentication', escrow: 'on-card' },
        '9d': { algorithm: 'rsa2048', template: 'piv-key-management', escrow: 'escrow' },
      },
    },
  });
  requests.rows.delete('tmp');
  await requests.addHistory(tx(0), [{ requestId: 'r1', from: null, to: 'requested', actor: 'user:o', details: { batchId: 'b1' } }]);
  await requests.addHistory(tx(1), [{ requestId: 'r1', from: 'requested', to: 'keys-generated', actor: 'system:keygen', details: {} }]);
  await requests.addHistory(tx(2), [{ requestId: 'r1', from: 'keys-generated', to: 'escrowed', actor: 'system:keygen', details: {} }]);
  await vscs.insert(tx(1), {
    id: 'v1',
    kind: 'escrow',
    label: 'VSC',
    requestId: 'r1',
    cardholderId: 'c1',
    parentId: null,
    currentVersion: 1,
    state: { sequence: 0, status: 'active', pin: { remaining: 3, total: 3 }, puk: { remaining: 3, total: 3 } },
    createdAt: at(1),
    updatedAt: at(1),
  });
  await vscs.insertVersion(tx(1), {
    vscId: 'v1',
    version: 1,
    content: Buffer.from('sealed'),
    sha256: Buffer.alloc(32, 0xab),
    size: 6,
    kekLabel: 'scm-vsc-kek/1',
    recoveryLabel: 'scm-recovery/1',
    reason: 'issued',
    createdAt: at(1),
    escrowedAt: at(2),
  });
  certs.seed({ serial: '0a', status: 'revoked', reference: { requestId: 'r1', slot: '9d' }, createdAt: at(1) });
  certs.seed({ serial: '0b', status: 'valid', reference: { requestId: 'r1', slot: '9d' }, createdAt: at(3) });
  certs.seed({ serial: '0c', status: 'valid', reference: { requestId: 'r2', slot: '9a' }, createdAt: at(3) });
  return { requests, certs, handler: new ShowRequestHandler(requests, cardholders, vscs, certs) };
}

describe('ShowRequestHandler', () => {
  it('shows the request, its cardholder, escrowed VSC, each slot with its certificate, and its history', async () => {
    const { handler } = await setup();
    expect(await handler.execute(new ShowRequestQuery('r1'))).toEqual({
      id: 'r1',
      batchId: 'b1',
      cardholder: { id: 'c1', name: 'Alice Martin', upn: 'amartin@corp', email: 'alice@example.org' },
      profileId: 'default',
      profileVersion: 2,
      state: 'escrowed',
      stateChangedAt: at(2).toISOString(),
      failure: null,
      workerId: null,
      cardId: null,
      createdBy: 'user:seed',
      createdAt: at(0).toISOString(),
      vsc: { id: 'v1', currentVersion: 1, escrowed: true, sha256: 'ab'.repeat(32) },
      slots: [
        { slot: '9a', algorithm: 'p256', escrow: 'on-card', certificate: null },
        { slot: '9d', algorithm: 'rsa2048', escrow: 'escrow', certificate: { serial: '0b', status: 'valid' } },
      ],
      history: [
        { from: null, to: 'requested', at: at(0).toISOString(), actor: 'user:o', details: { batchId: 'b1' } },
        { from: 'requested', to: 'keys-generated', at: at(1).toISOString(), actor: 'system:keygen', details: {} },
        { from: 'keys-generated', to: 'escrowed', at: at(2).toISOString(), actor: 'system:keygen', details: {} },
      ],
    });
  });

  it('shows no VSC before keys are generated, and the newest certificate of a slot when none is valid', async () => {
    const { requests, certs, handler } = await setup();
    requests.seed({ id: 'r2', cardholderId: 'c1', state: 'requested', profile: requests.rows.get('r1')!.profile });
    const v = await handler.execute(new ShowRequestQuery('r2'));
    expect(v.vsc).toBeNull();
    expect(v.history).toEqual([]);
    certs.rows.find((c) => c.serial === '0b')!.status = 'on-hold';
    const r1 = await handler.execute(new ShowRequestQuery('r1'));
    expect(r1.slots[1].certificate).toEqual({ serial: '0b', status: 'on-hold' });
  });

  it('is NotFound for an unknown request', async () => {
    const { handler } = await setup();
    await expect(handler.execute(new ShowRequestQuery('nope'))).rejects.toMatchObject({ code: IssuanceErrorCode.NotFound });
  });
});
