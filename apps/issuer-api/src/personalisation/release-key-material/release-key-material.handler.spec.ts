import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { unwrapAsWorker } from '@scm/personalisation';
import { IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { testActor } from '../../platform/testing/test-unit-of-work';
import {
  claimedRequest,
  escrowedRequest,
  OTHER_WORKER,
  personalisationWorld,
  REQUEST,
  SERIAL,
  WORKER,
} from '../testing/personalisation-world';
import { ReleaseKeyMaterialCommand } from './release-key-material.command';
import { ReleaseKeyMaterialHandler } from './release-key-material.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new ReleaseKeyMaterialHandler(w.uow, w.states, w.repos.vscs, w.escrow, w.repos.workers, w.repos.cards, w.packages);
  const release = (workerId = WORKER) =>
    handler.execute(new ReleaseKeyMaterialCommand(REQUEST, workerId, testActor(workerId, 'card-worker')));
  return { w, release };
}

describe('ReleaseKeyMaterialHandler', () => {
  it('hands the claiming worker the objects, the certificates and the escrowed keys wrapped for it alone', async () => {
    const { w, release } = setup();
    const { vscId } = await claimedRequest(w);
    const pkg = await release();
    expect(pkg).toMatchObject({
      requestId: REQUEST,
      vscId,
      vscVersion: 1,
      cardUuid: vscId,
      profile: { managementKey: { algorithm: 'aes256' } },
    });
    expect(Object.keys(pkg.objects).sort()).toEqual(['ccc', 'chuid', 'discovery', 'securityObject']);
    expect(pkg.importSlots.map((s) => [s.slot, s.escrow])).toEqual([
      ['9d', 'escrow'],
      ['9e', 'regenerate'],
    ]);
    expect(pkg.onCardSlots).toEqual([{ slot: '9a', algorithm: 'p256', certificate: null }]);
    const material = unwrapAsWorker(pkg.keyMaterial, w.kex.privateKey, w.expecting('key-material'));
    expect(material.puk?.toString()).toBe('12345678');
    for (const k of material.keys) {
      const spki = createPublicKey(createPrivateKey({ key: k.pkcs8, format: 'der', type: 'pkcs8' })).export({
        format: 'der',
        type: 'spki',
      });
      const cert = w.repos.issued.rows.find((c) => c.reference?.slot === k.slot)!;
      expect(new X509Certificate(cert.der).publicKey.export({ format: 'der', type: 'spki' })).toEqual(spki);
    }
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'issuance-request.key-material-released',
        outcome: 'success',
        details: {
          workerId: WORKER,
          vscId,
          vscVersion: 1,
          slots: ['9d', '9e'],
          puk: true,
          serial: SERIAL,
          expiresAt: '2026-12-01T09:05:00.000Z',
        },
      }),
    ]);
    expect(JSON.stringify(w.uow.events)).not.toContain('12345678');
    // Bound to the card of the request, signed by the API, for this purpose, until it expires.
    expect(pkg.keyMaterial.header).toMatchObject({
      v: 2,
      purpose: 'key-material',
      cardSerial: SERIAL,
      requestId: REQUEST,
      workerId: WORKER,
    });
    expect(pkg.keyMaterial.signature).toEqual(expect.any(String));
    expect(() => unwrapAsWorker(pkg.keyMaterial, w.kex.privateKey, w.expecting('key-material', { cardSerial: '1' }))).toThrow(
      /not for card 1/,
    );
    expect(() =>
      unwrapAsWorker(pkg.keyMaterial, w.kex.privateKey, w.expecting('key-material', { now: new Date('2026-12-01T09:05:00Z') })),
    ).toThrow(/expired/);
  });

  it('releases nothing for a request bound to no card (audited)', async () => {
    const { w, release } = setup();
    await claimedRequest(w);
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, cardId: null });
    await expect(release()).rejects.toMatchObject({
      code: IssuanceErrorCode.NotClaimant,
      message: expect.stringMatching(/bound to no card/),
    });
    expect(w.uow.events).toEqual([expect.objectContaining({ action: 'issuance-request.key-material-released', outcome: 'denied' })]);
  });

  it('refuses another worker and a request not being personalised (audited with the refusal as reason)', async () => {
    const { w, release } = setup();
    await claimedRequest(w);
    w.enrol(OTHER_WORKER);
    await expect(release(OTHER_WORKER)).rejects.toMatchObject({ code: IssuanceErrorCode.NotClaimant });
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'verifying' });
    await expect(release()).rejects.toMatchObject({ code: IssuanceErrorCode.IllegalTransition });
    expect(w.uow.events.map((e) => [e.action, e.outcome, e.details?.reason])).toEqual([
      ['issuance-request.key-material-released', 'denied', IssuanceErrorCode.NotClaimant],
      ['issuance-request.key-material-released', 'denied', IssuanceErrorCode.IllegalTransition],
    ]);
  });

  it('refuses a worker no longer approved, and a request before it is claimed', async () => {
    const { w, release } = setup();
    await escrowedRequest(w);
    await expect(release()).rejects.toMatchObject({ code: IssuanceErrorCode.IllegalTransition });
    const setup2 = setup();
    await claimedRequest(setup2.w);
    setup2.w.repos.workers.workers.set(WORKER, { ...setup2.w.repos.workers.workers.get(WORKER)!, status: 'revoked' });
    await expect(setup2.release()).rejects.toMatchObject({ code: IssuanceErrorCode.NotClaimant });
    expect(setup2.w.uow.events).toEqual([]);
  });
});
