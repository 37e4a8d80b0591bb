import { generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import { attestationCertificate, createAttestationAuthority } from '@scm/card-engine';
import { StockErrorCode } from '../../stock/stock-errors';
import { IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { testActor } from '../../platform/testing/test-unit-of-work';
import { claimedRequest, OTHER_WORKER, personalisationWorld, REQUEST, SERIAL, WORKER } from '../testing/personalisation-world';
import { CertifyOnCardKeyCommand } from './certify-on-card-key.command';
import { CertifyOnCardKeyHandler } from './certify-on-card-key.handler';
import { OnCardCertification } from './on-card-certification.service';

const spkiOf = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) => k.export({ format: 'der', type: 'spki' });

function setup() {
  const w = personalisationWorld();
  const handler = new CertifyOnCardKeyHandler(
    w.uow,
    new OnCardCertification(w.states, w.repos.vscs, w.escrow, w.certificates, w.repos.cards, w.stock.service),
  );
  const certify = (slot: string, publicKey: Buffer, workerId = WORKER, attestation?: { certificate: Buffer; intermediate: Buffer }) =>
    handler.execute(new CertifyOnCardKeyCommand(REQUEST, slot, publicKey, workerId, testActor(workerId, 'card-worker'), attestation));
  return { w, certify };
}

describe('CertifyOnCardKeyHandler', () => {
  it('certifies the key the card made, keeps its public part in a new escrowed VSC version, and answers the same key the same', async () => {
    const { w, certify } = setup();
    const { vscId } = await claimedRequest(w);
    const key = spkiOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
    const first = await certify('9A', key);
    expect(first).toMatchObject({ slot: '9a', vscVersion: 2 });
    expect(new X509Certificate(Buffer.from(first.certificate, 'base64')).publicKey.export({ format: 'der', type: 'spki' })).toEqual(key);
    expect(w.ca.issued).toEqual([
      expect.objectContaining({
        template: 'piv-authentication',
        reference: { requestId: REQUEST, vscId, slot: '9a' },
        subject: expect.objectContaining({ commonName: 'Olga Holder' }),
      }),
    ]);
    expect(w.repos.vscs.vscs.get(vscId)!.currentVersion).toBe(2);
    expect(w.repos.vscs.stored.find((v) => v.version === 2)?.escrowedAt).not.toBeNull();
    expect(w.uow.events.map((e) => e.action)).toEqual(['vsc.version-sealed', 'vsc.escrowed', 'issuance-request.slot-certified']);
    expect(w.uow.events.at(-1)?.details).toEqual({
      slot: '9a',
      serial: first.serial,
      algorithm: 'p256',
      workerId: WORKER,
      vscVersion: 2,
      superseded: [],
      // The spec's stock gives no attestation.
      attested: false,
    });

    const again = await certify('9a', key);
    expect(again).toMatchObject({ serial: first.serial, vscVersion: 2 });
    expect(w.ca.issued).toHaveLength(1);
  });

  it('a new key for the slot supersedes the earlier certificate', async () => {
    const { w, certify } = setup();
    await claimedRequest(w);
    const first = await certify('9a', spkiOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey));
    const second = await certify('9a', spkiOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey));
    expect(second).toMatchObject({ vscVersion: 3 });
    expect(w.statuses.applied).toEqual([
      expect.objectContaining({ serial: first.serial, change: { action: 'revoke', reason: 'superseded' } }),
    ]);
    expect(w.uow.events.at(-1)?.details).toMatchObject({ superseded: [first.serial] });
  });

  it('refuses an escrowed slot, a key of the wrong algorithm and a worker that did not claim the card', async () => {
    const { w, certify } = setup();
    await claimedRequest(w);
    w.enrol(OTHER_WORKER);
    const p256 = spkiOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
    await expect(certify('9d', p256)).rejects.toMatchObject({ code: IssuanceErrorCode.WrongSlot });
    await expect(certify('9a', spkiOf(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey))).rejects.toMatchObject({
      code: IssuanceErrorCode.WrongSlot,
      message: 'slot 9a takes a p256 key, got p384',
    });
    await expect(certify('9a', p256, OTHER_WORKER)).rejects.toMatchObject({ code: IssuanceErrorCode.NotClaimant });
    expect(w.uow.events.map((e) => [e.action, e.outcome, e.details?.refusal])).toEqual([
      ['issuance-request.slot-certified', 'denied', IssuanceErrorCode.WrongSlot],
      ['issuance-request.slot-certified', 'denied', IssuanceErrorCode.WrongSlot],
      ['issuance-request.slot-certified', 'denied', IssuanceErrorCode.NotClaimant],
    ]);
    expect(w.ca.issued).toEqual([]);
  });

  describe('attestation stock', () => {
    /** A vendor root registered on the card's batch, the card's F9 authority issued by it, and an attestation of `key`. */
    async function attested(w: ReturnType<typeof setup>['w']) {
      // The test authorities are valid from a minute ago: the spec's clock moves to now.
      w.clock.advance(Date.now() - w.clock.now().getTime());
      const root = await createAttestationAuthority(0);
      const batch = [...w.stock.repo.batches.values()].find((b) => b.name === 'spec-stock')!;
      batch.attestationRoot = Buffer.from(root.certificate);
      const card = await createAttestationAuthority(Number(SERIAL), undefined, root);
      const attest = async (publicKey: KeyObject, serial = Number(SERIAL), authority = card) => ({
        certificate: Buffer.from(
          await attestationCertificate(authority, { slot: 0x9a, publicKey, policy: { pin: 2, touch: 1 } }, { serial, version: [5, 4, 3] }),
        ),
        intermediate: Buffer.from(authority.certificate),
      });
      return { root, card, attest };
    }

    it('certifies an on-card key only with an attestation that chains to the vendor root and names this card and key; keeps it', async () => {
      const { w, certify } = setup();
      await claimedRequest(w);
      const { attest } = await attested(w);
      const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const a = await attest(pair.publicKey);
      const cert = await certify('9a', spkiOf(pair.publicKey), WORKER, a);
      expect(w.stock.repo.attestations.get(cert.serial)).toMatchObject({
        cardSerial: SERIAL,
        slot: '9a',
        requestId: REQUEST,
        attestation: a.certificate,
        intermediate: a.intermediate,
      });
      expect(w.uow.events.at(-1)).toMatchObject({ outcome: 'success', details: expect.objectContaining({ attested: true }) });
    });

    it('refuses (audited) no attestation, a forged one, one of another card and one of another key', async () => {
      const { w, certify } = setup();
      await claimedRequest(w);
      const { attest } = await attested(w);
      const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const spki = spkiOf(pair.publicKey);
      const forger = await createAttestationAuthority(Number(SERIAL));
      const cases: Array<[string, { certificate: Buffer; intermediate: Buffer } | undefined, RegExp]> = [
        ['none', undefined, /no attestation/],
        ['self-signed F9', await attest(pair.publicKey, Number(SERIAL), forger), /not signed by the stock's vendor root/],
        ['another card', await attest(pair.publicKey, Number(SERIAL) + 1), /names card \d+, not card/],
        ['another key', await attest(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey), /not the submitted key/],
      ];
      for (const [, a, why] of cases)
        await expect(certify('9a', spki, WORKER, a)).rejects.toMatchObject({
          code: StockErrorCode.AttestationRefused,
          message: expect.stringMatching(why),
        });
      expect(w.uow.events.map((e) => [e.action, e.outcome, e.details?.refusal])).toEqual(
        cases.map(() => ['issuance-request.slot-certified', 'denied', StockErrorCode.AttestationRefused]),
      );
      expect(w.ca.issued).toEqual([]);
      expect(w.stock.repo.attestations.size).toBe(0);
    });
  });
});
