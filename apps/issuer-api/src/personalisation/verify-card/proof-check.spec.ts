import 'reflect-metadata';
import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { PROFILE, personalisationWorld } from '../testing/personalisation-world';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { proofMessage } from './proof';
import { proofProblems } from './proof-check';

const nonce = Buffer.alloc(32, 5);

/** Certificates of the spec CA for fresh P-256 keys of every slot of the profile. */
async function cardWithCertificates() {
  const w = personalisationWorld();
  w.repos.cardholders.seed({ id: 'h', name: 'Holder' });
  const request = w.repos.requests.seed({ id: 'r1', state: 'verifying', cardholderId: 'h', profile: PROFILE });
  const keys = new Map<string, ReturnType<typeof generateKeyPairSync>>();
  const certificates = new Map<string, Buffer>();
  await new TestUnitOfWork().run(testActor(), async (tx) => {
    for (const slot of ['9a', '9d', '9e']) {
      const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
      const [c] = await w.certificates.issue(
        tx,
        request,
        'v1',
        [{ slot, template: 'piv-authentication', spki }],
        new Date('2027-12-01T00:00:00Z'),
      );
      keys.set(slot, pair);
      certificates.set(slot, c.der);
    }
  });
  const issuer = new X509Certificate(await w.ca.certificate());
  const signatures = [...keys].map(([slot, k]) => ({
    slot,
    signature: sign('sha256', proofMessage('r1', 'k1', slot, nonce), { key: k.privateKey, dsaEncoding: 'der' }).toString('base64'),
  }));
  return {
    certificates,
    issuer,
    signatures,
    ctx: { requestId: 'r1', cardId: 'k1', profile: PROFILE, nonce, certificates, issuer, decryptCheck: null },
  };
}

describe('proof problems', () => {
  it('none when every slot signs its message with the certified key', async () => {
    const { ctx, signatures } = await cardWithCertificates();
    expect(proofProblems(ctx, { signatures })).toEqual([]);
  });

  it('names each slot that has no certificate, a certificate of another CA, no proof, or a signature by another key', async () => {
    const { ctx, signatures } = await cardWithCertificates();
    const other = await cardWithCertificates();
    const certificates = new Map(ctx.certificates);
    certificates.delete('9a');
    certificates.set('9e', other.certificates.get('9e')!);
    const withoutKeyManagement = signatures.filter((s) => s.slot !== '9d');
    expect(proofProblems({ ...ctx, certificates }, { signatures: withoutKeyManagement })).toEqual([
      'slot 9a: no valid certificate',
      'slot 9d: no proof',
      'slot 9e: certificate not issued by the issuing CA',
    ]);
    expect(
      proofProblems(
        { ...ctx, issuer: undefined, certificates: new Map(ctx.certificates).set('9e', other.certificates.get('9e')!) },
        { signatures },
      ),
    ).toEqual(["slot 9e: the card's signature does not verify against its certificate"]);
  });

  it('wants the answer to the key-management test when one was set', async () => {
    const { ctx, signatures } = await cardWithCertificates();
    expect(proofProblems({ ...ctx, decryptCheck: Buffer.alloc(32) }, { signatures })).toEqual([
      'slot 9d: the card did not pass the key-management (decryption) test',
    ]);
  });
});
