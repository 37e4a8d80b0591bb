import { createHash } from 'node:crypto';
import { archiveSigner, currentArchiveKey, provisionArchiveKey, type SealEnvironment } from '@scm/archive';
import type { CaService } from '../../pki/ca.service';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import type { ArchiveEnvironment } from '../archive-environment';
import { InitArchiveKeyCommand } from './init-archive-key.command';
import { InitArchiveKeyHandler } from './init-archive-key.handler';

jest.mock('@scm/archive', () => ({
  ...jest.requireActual('@scm/archive'),
  provisionArchiveKey: jest.fn(),
  currentArchiveKey: jest.fn(),
  archiveSigner: jest.fn(),
}));
const provision = provisionArchiveKey as jest.MockedFunction<typeof provisionArchiveKey>;
const current = currentArchiveKey as jest.MockedFunction<typeof currentArchiveKey>;
const signer = archiveSigner as jest.MockedFunction<typeof archiveSigner>;

const CERT = Buffer.from('the archive signer certificate');
const stored = new Map<string, { certificates: Buffer[] }>();
const sealing = {
  hsm: {},
  store: { signerCertificates: async (label: string) => stored.get(label) },
} as unknown as SealEnvironment;
const env = { forTx: () => sealing } as unknown as ArchiveEnvironment;
const caSetUp = (yes: boolean) => ({ issuingCertificate: async () => (yes ? Buffer.from('ca') : undefined) }) as unknown as CaService;

describe('InitArchiveKeyHandler', () => {
  beforeEach(() => {
    stored.clear();
    provision.mockReset().mockResolvedValue({ ref: { label: 'scm-archive', version: 1 }, created: true });
    current.mockReset().mockResolvedValue({ label: 'scm-archive', version: 2 });
    signer.mockReset().mockResolvedValue({ certificates: [CERT] } as never);
  });

  it('creates the first key (audited) and has the newest version certified', async () => {
    const uow = new TestUnitOfWork();
    const r = await new InitArchiveKeyHandler(uow, env, caSetUp(true)).execute(new InitArchiveKeyCommand(testActor()));
    expect(r).toEqual({
      key: 'scm-archive/2',
      created: true,
      certificate: { fresh: true, sha256: createHash('sha256').update(CERT).digest('hex') },
    });
    expect(signer).toHaveBeenCalledWith(expect.objectContaining({ key: { label: 'scm-archive', version: 2 } }));
    expect(uow.events).toEqual([expect.objectContaining({ action: 'archive.key-created', targetId: 'scm-archive/1' })]);
  });

  it('is idempotent: a present key and certificate are reported, not replaced or audited again', async () => {
    provision.mockResolvedValue({ ref: { label: 'scm-archive', version: 1 }, created: false });
    stored.set('scm-archive/2', { certificates: [CERT] });
    const uow = new TestUnitOfWork();
    const r = await new InitArchiveKeyHandler(uow, env, caSetUp(true)).execute(new InitArchiveKeyCommand(testActor()));
    expect(r).toMatchObject({ created: false, certificate: { fresh: false } });
    expect(uow.events).toEqual([]);
  });

  it('leaves the certificate for later when the issuing CA is not set up', async () => {
    const r = await new InitArchiveKeyHandler(new TestUnitOfWork(), env, caSetUp(false)).execute(new InitArchiveKeyCommand(testActor()));
    expect(r.certificate).toEqual({ missing: expect.stringMatching(/scm ca init/) });
    expect(signer).not.toHaveBeenCalled();
  });
});
