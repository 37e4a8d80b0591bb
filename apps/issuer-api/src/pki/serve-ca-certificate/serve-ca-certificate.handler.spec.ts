import { InMemoryCaAuthorityRepository } from '../in-memory-ca-authority.repository';
import { ServeCaCertificateHandler } from './serve-ca-certificate.handler';
import { ServeCaCertificateQuery } from './serve-ca-certificate.query';

describe('ServeCaCertificateHandler', () => {
  const repo = new InMemoryCaAuthorityRepository();
  repo.addAuthority({ caId: 'scm-root', role: 'root' });
  repo.addAuthority({ caId: 'scm-issuing', role: 'issuing', keyLabel: 'scm-ca-issuing/1', parentId: 'scm-root' });
  repo.addAuthority({ caId: 'scm-content-signer', role: 'content-signer', keyLabel: 'scm-content-signer/1' });
  const handler = new ServeCaCertificateHandler(repo);

  it('serves the certificate of a root or issuing CA', async () => {
    expect((await handler.execute(new ServeCaCertificateQuery('scm-root.crt')))?.toString()).toBe('der of scm-root');
    expect((await handler.execute(new ServeCaCertificateQuery('scm-issuing.crt')))?.toString()).toBe('der of scm-issuing');
  });

  it('does not serve the content signer, an unknown CA or another extension', async () => {
    for (const f of ['scm-content-signer.crt', 'scm-nope.crt', 'scm-root.crl'])
      await expect(handler.execute(new ServeCaCertificateQuery(f))).resolves.toBeUndefined();
  });
});
