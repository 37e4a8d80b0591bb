import type { HsmCertificateAuthority } from '@scm/ca';
import type { ApprovalRequestEntity } from '@scm/db';
import type { KeyRef } from '@scm/hsm';
import type { CaService } from '../pki/ca.service';
import type { ApiConfig } from '../platform/config/api-config';
import type { HsmHandle } from '../platform/infra/infra.module';
import { TestUnitOfWork, testActor } from '../platform/testing/test-unit-of-work';
import type { ApprovalExecutor, ApprovalsService } from '../trust/approvals/approvals.service';
import { ArchiveKeyService } from './archive-key.service';
import { InMemoryArchiveRepository } from './in-memory-archive.repository';

describe('ArchiveKeyService (an approved rotation)', () => {
  const setup = () => {
    const created: KeyRef[] = [];
    const hsm = {
      createSigningKey: async (ref: KeyRef) => void created.push(ref),
      getSigningKey: async (ref: KeyRef) => ({ ref, spki: Buffer.from(`spki ${ref.version}`) }),
    };
    const issued: Array<{ subject: unknown; publicKey: Uint8Array; reference: unknown }> = [];
    const ca = {
      issue: async (p: { subject: unknown; publicKey: Uint8Array; reference: unknown }) => {
        issued.push(p);
        return { serial: '5e71a1', der: Buffer.from('signer cert'), notAfter: new Date('2029-12-01T00:00:00Z') };
      },
      certificates: async () => ({ chain: [Buffer.from('issuing cert'), Buffer.from('root cert')] }),
    } as unknown as HsmCertificateAuthority;
    const inTx: unknown[] = [];
    const cas = {
      ca: async () => ca,
      inTx: async <T>(tx: unknown, fn: () => Promise<T>) => {
        inTx.push(tx);
        return fn();
      },
    } as unknown as CaService;
    let executor: ApprovalExecutor | undefined;
    const approvals = {
      register: (kind: string, fn: ApprovalExecutor) => kind === 'archive-key' && (executor = fn),
    } as unknown as ApprovalsService;
    const archives = new InMemoryArchiveRepository();
    const svc = new ArchiveKeyService(
      approvals,
      cas,
      archives,
      { get: () => hsm } as unknown as HsmHandle,
      { SCM_ORGANIZATION: 'Example Org' } as ApiConfig,
    );
    svc.onModuleInit();
    return { created, issued, inTx, archives, run: () => executor! };
  };
  const req = { id: 'ap-1', subject: { action: 'rotate', from: 'scm-archive/1', to: 'scm-archive/2' } } as unknown as ApprovalRequestEntity;

  it('creates the new key version, has the issuing CA certify it in the transaction, keeps the chain and audits the rotation', async () => {
    const { created, issued, inTx, archives, run } = setup();
    const uow = new TestUnitOfWork();
    await uow.run(testActor(), (tx) => run()(tx, req));
    expect(created).toEqual([{ label: 'scm-archive', version: 2 }]);
    expect(issued).toEqual([
      expect.objectContaining({
        subject: { commonName: 'Example Org Archive Signer (scm-archive/2)', organization: 'Example Org' },
        publicKey: Buffer.from('spki 2'),
        reference: { purpose: 'archive-signer', key: 'scm-archive/2' },
      }),
    ]);
    expect(inTx).toHaveLength(1);
    expect(archives.signers).toEqual([
      {
        keyLabel: 'scm-archive/2',
        serial: '5e71a1',
        certificates: [Buffer.from('signer cert'), Buffer.from('issuing cert'), Buffer.from('root cert')],
        notAfter: new Date('2029-12-01T00:00:00Z'),
        createdAt: uow.testClock.now(),
      },
    ]);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'archive.key-rotated',
        targetType: 'archive-key',
        targetId: 'scm-archive/2',
        outcome: 'success',
        details: { from: 'scm-archive/1', to: 'scm-archive/2', certificateSerial: '5e71a1', approval: 'ap-1' },
      }),
    ]);
  });
});
