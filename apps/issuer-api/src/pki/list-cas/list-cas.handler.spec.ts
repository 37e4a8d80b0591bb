import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { InMemoryCaAuthorityRepository } from '../in-memory-ca-authority.repository';
import { ListCasHandler } from './list-cas.handler';

async function selfSigned(cn: string): Promise<Buffer> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const c = await x509.X509CertificateGenerator.createSelfSigned(
    { name: `CN=${cn}`, keys, signingAlgorithm: alg, notBefore: new Date('2026-01-01Z'), notAfter: new Date('2036-01-01Z') },
    webcrypto as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  );
  return Buffer.from(c.rawData);
}

describe('ListCasHandler', () => {
  it('lists every CA with its subject, key (or offline) and latest CRL', async () => {
    const repo = new InMemoryCaAuthorityRepository();
    repo.addAuthority({ caId: 'scm-root', role: 'root', der: await selfSigned('SCM Root'), keyLabel: null });
    repo.addAuthority({
      caId: 'scm-issuing',
      role: 'issuing',
      der: await selfSigned('SCM Issuing'),
      keyLabel: 'scm-ca-issuing/1',
      parentId: 'scm-root',
    });
    repo.addCrl({ caId: 'scm-issuing', crlNumber: '7' });
    repo.addCrl({ caId: 'scm-issuing', crlNumber: '12' });
    const r = await new ListCasHandler(repo).execute();
    expect(r).toEqual([
      expect.objectContaining({
        id: 'scm-issuing',
        role: 'issuing',
        subject: 'CN=SCM Issuing',
        key: 'scm-ca-issuing/1',
        parent: 'scm-root',
        crl: expect.objectContaining({ number: 12 }),
      }),
      expect.objectContaining({
        id: 'scm-root',
        role: 'root',
        subject: 'CN=SCM Root',
        key: '(offline)',
        parent: null,
        crl: null,
        notAfter: '2036-01-01T00:00:00.000Z',
      }),
    ]);
  });
});
