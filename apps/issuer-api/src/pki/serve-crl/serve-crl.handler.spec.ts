import { InMemoryCaAuthorityRepository } from '../in-memory-ca-authority.repository';
import { ServeCrlHandler } from './serve-crl.handler';
import { ServeCrlQuery } from './serve-crl.query';

describe('ServeCrlHandler', () => {
  const repo = new InMemoryCaAuthorityRepository();
  repo.addCrl({ caId: 'scm-issuing', crlNumber: '9' });
  repo.addCrl({ caId: 'scm-issuing', crlNumber: '10' });
  repo.addCrl({ caId: 'scm-root', crlNumber: '3' });
  const handler = new ServeCrlHandler(repo);

  it('serves the CA’s CRL with the highest number (numerically)', async () => {
    const crl = await handler.execute(new ServeCrlQuery('scm-issuing.crl'));
    expect(crl?.crlNumber).toBe('10');
    expect(crl?.der.toString()).toBe('crl scm-issuing 10');
  });

  it('serves nothing for a CA without CRLs, the wrong extension or a name that is not a CA id', async () => {
    for (const f of ['scm-other.crl', 'scm-issuing.crt', '..%2fscm-issuing.crl', 'scm-issuing'])
      await expect(handler.execute(new ServeCrlQuery(f))).resolves.toBeUndefined();
  });
});
