import type { CaHierarchy } from '@scm/ca';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import type { CaService } from '../ca.service';
import { InMemoryCaAuthorityRepository } from '../in-memory-ca-authority.repository';
import { InitCaCommand } from './init-ca.command';
import { InitCaHandler } from './init-ca.handler';

const until = new Date('2036-12-01T00:00:00Z');
const cert = (cn: string) => ({ certificate: { subject: `CN=${cn}`, notAfter: until } });

function setup(present: string[]) {
  const authorities = new InMemoryCaAuthorityRepository();
  for (const id of present) authorities.addAuthority({ caId: id, role: 'root' });
  const setUp = jest.fn(
    async () => ({ root: cert('Root'), issuing: cert('Issuing'), contentSigner: cert('Signer') }) as unknown as CaHierarchy,
  );
  const cas = { hierarchyIds: ['scm-root', 'scm-issuing', 'scm-content-signer'], setUpHierarchy: setUp } as unknown as CaService;
  const uow = new TestUnitOfWork();
  return { uow, setUp, handler: new InitCaHandler(uow, cas, authorities, { SCM_PUBLIC_URL: 'http://pki.example.org' }) };
}

describe('InitCaHandler', () => {
  it('sets up the hierarchy and audits only the CAs it created', async () => {
    const { uow, setUp, handler } = setup(['scm-root']);
    const r = await handler.execute(new InitCaCommand(testActor()));
    expect(setUp).toHaveBeenCalledTimes(1);
    expect(r).toEqual([
      { id: 'scm-root', created: false, subject: 'CN=Root', notAfter: until.toISOString() },
      { id: 'scm-issuing', created: true, subject: 'CN=Issuing', notAfter: until.toISOString() },
      { id: 'scm-content-signer', created: true, subject: 'CN=Signer', notAfter: until.toISOString() },
    ]);
    expect(uow.events.map((e) => [e.action, e.targetId, e.details])).toEqual([
      ['ca.created', 'scm-issuing', { publicBaseUrl: 'http://pki.example.org' }],
      ['ca.created', 'scm-content-signer', { publicBaseUrl: 'http://pki.example.org' }],
    ]);
  });

  it('audits nothing when every CA was there', async () => {
    const { uow, handler } = setup(['scm-root', 'scm-issuing', 'scm-content-signer']);
    expect((await handler.execute(new InitCaCommand(testActor()))).every((c) => !c.created)).toBe(true);
    expect(uow.events).toEqual([]);
  });
});
