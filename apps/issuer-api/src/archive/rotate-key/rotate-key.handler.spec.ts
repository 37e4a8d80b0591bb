import type { HsmKeyInfo } from '@scm/hsm';
import type { HsmHandle } from '../../platform/infra/infra.module';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import type { ApprovalSpec, ApprovalsService } from '../../trust/approvals/approvals.service';
import { RotateKeyCommand } from './rotate-key.command';
import { RotateKeyHandler } from './rotate-key.handler';

describe('RotateKeyHandler', () => {
  const key = (version: number): HsmKeyInfo => ({
    ref: { label: 'scm-archive', version },
    kind: 'key-pair',
    algorithm: 'P-256',
    extractable: false,
    sensitive: true,
  });
  const setup = (versions: number[]) => {
    const uow = new TestUnitOfWork();
    const requested: ApprovalSpec[] = [];
    const approvals = {
      request: async (tx: { audit: (f: object) => void }, spec: ApprovalSpec) => {
        requested.push(spec);
        tx.audit({ action: 'approval.requested', targetType: 'approval', targetId: 'ap-1', outcome: 'success' });
        return { id: 'ap-1' };
      },
    } as unknown as ApprovalsService;
    const hsm = { get: () => ({ listKeys: async () => versions.map(key) }) } as unknown as HsmHandle;
    return { uow, requested, handler: new RotateKeyHandler(uow, approvals, hsm) };
  };
  const officer = testActor('00000000-0000-4000-8000-0000000000b2');

  it('asks two other officers to approve the next key version, and audits the request', async () => {
    const { uow, requested, handler } = setup([1, 2]);
    const r = await handler.execute(new RotateKeyCommand('00000000-0000-4000-8000-0000000000b2', officer));
    expect(r).toEqual({ approvalId: 'ap-1', from: 'scm-archive/2', to: 'scm-archive/3' });
    expect(requested).toEqual([
      {
        kind: 'archive-key',
        subject: { action: 'rotate', from: 'scm-archive/2', to: 'scm-archive/3' },
        approverRole: 'security-officer',
        requiredApprovals: 2,
        requestedBy: '00000000-0000-4000-8000-0000000000b2',
      },
    ]);
    expect(uow.events.map((e) => e.action)).toEqual(['approval.requested', 'archive.key-rotation-requested']);
    expect(uow.events[1]).toMatchObject({
      targetType: 'archive-key',
      targetId: 'scm-archive/2',
      outcome: 'success',
      actor: officer.actor,
      details: { to: 'scm-archive/3', approval: 'ap-1' },
    });
  });

  it('rotates from version 1 on a token with only the key init-keys made', async () => {
    const { handler } = setup([1]);
    await expect(handler.execute(new RotateKeyCommand('u', officer))).resolves.toMatchObject({
      from: 'scm-archive/1',
      to: 'scm-archive/2',
    });
  });
});
