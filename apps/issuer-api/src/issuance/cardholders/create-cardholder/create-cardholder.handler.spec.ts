import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { ApprovalsService } from '../../../trust/approvals/approvals.service';
import { InMemoryApprovalRepository } from '../../../trust/approvals/in-memory-approval.repository';
import { ApprovalErrorCode } from '../../../trust/approvals/approval-errors';
import { CARDHOLDER_REGISTRATION_KIND, CardholderApprovals } from '../cardholder-approvals';
import { CardholderErrorCode } from '../cardholder-errors';
import { CardholderRegistry } from '../cardholder-registry.service';
import { InMemoryCardholderRepository } from '../in-memory-cardholder.repository';
import { CreateCardholderCommand } from './create-cardholder.command';
import { CreateCardholderHandler } from './create-cardholder.handler';

const SECOND = '00000000-0000-4000-8000-0000000000b2';

describe('CreateCardholderHandler', () => {
  const setup = (duties: 'enforced' | 'relaxed' = 'relaxed') => {
    const repo = new InMemoryCardholderRepository();
    const uow = new TestUnitOfWork();
    const approvalRepo = new InMemoryApprovalRepository();
    const approvals = new ApprovalsService(approvalRepo, { SCM_APPROVAL_TTL_HOURS: 24 });
    const cardholderApprovals = new CardholderApprovals(approvals, repo);
    cardholderApprovals.register();
    const registry = new CardholderRegistry(repo, cardholderApprovals, { SCM_SEPARATION_OF_DUTIES: duties });
    return { repo, uow, approvals, approvalRepo, handler: new CreateCardholderHandler(uow, registry) };
  };

  it('with separated duties: a new cardholder is pending until a second officer approves; the approver sponsors the first card', async () => {
    const { repo, uow, approvals, approvalRepo, handler } = setup('enforced');
    const v = await handler.execute(new CreateCardholderCommand({ name: 'Eve Insider', upn: 'eve@corp' }, testActor()));
    expect(v).toMatchObject({ status: 'pending', sponsored: false, approval: { kind: CARDHOLDER_REGISTRATION_KIND } });
    const req = approvalRepo.requests.get(v.approval!.id)!;
    expect(req).toMatchObject({
      requestedBy: '00000000-0000-4000-8000-0000000000a1',
      requiredApprovals: 1,
      approverRole: 'security-officer',
    });
    expect(req.subject).toEqual({ cardholders: [{ id: v.id, name: 'Eve Insider', upn: 'eve@corp', email: null }] });
    // the registrar may not approve their own entry
    const self = await uow.run(testActor(), (tx) =>
      approvals.decide(
        tx,
        req.id,
        { id: '00000000-0000-4000-8000-0000000000a1', roles: ['security-officer'] },
        'approve',
        v.approval!.subjectHash,
      ),
    );
    expect(self).toMatchObject({ code: ApprovalErrorCode.SelfApproval });
    expect(repo.rows.get(v.id)).toMatchObject({ status: 'pending', sponsoredBy: null });
    await uow.run(testActor(SECOND), (tx) =>
      approvals.decide(tx, req.id, { id: SECOND, roles: ['security-officer'] }, 'approve', v.approval!.subjectHash),
    );
    expect(repo.rows.get(v.id)).toMatchObject({ status: 'active', sponsoredBy: `user:${SECOND}` });
    expect(uow.events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'cardholder.created:success',
      'approval.requested:success',
      'approval.approve:denied',
      'approval.approve:success',
      'cardholder.registration-approved:success',
      'approval.executed:success',
    ]);
  });

  it('registers a cardholder, normalised, and audits it', async () => {
    const { repo, uow, handler } = setup();
    const v = await handler.execute(
      new CreateCardholderCommand(
        { name: ' Alice  Martin', upn: 'amartin@corp', email: 'alice@example.org', orgIds: ['EMP-1'] },
        testActor(),
      ),
    );
    expect(v).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Alice Martin',
      email: 'alice@example.org',
      upn: 'amartin@corp',
      orgIds: ['EMP-1'],
      status: 'active',
      sponsored: false,
      createdAt: uow.testClock.now().toISOString(),
    });
    expect(repo.rows.get(v.id)).toMatchObject({ name: 'Alice Martin', upn: 'amartin@corp', status: 'active' });
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'cardholder.created',
        targetType: 'cardholder',
        targetId: v.id,
        outcome: 'success',
        details: { name: 'Alice Martin', upn: 'amartin@corp', email: 'alice@example.org', status: 'active' },
      }),
    ]);
  });

  it('refuses an invalid cardholder, naming the field, and creates nothing', async () => {
    const { repo, uow, handler } = setup();
    await expect(handler.execute(new CreateCardholderCommand({ name: '', upn: 'x@corp' }, testActor()))).rejects.toMatchObject({
      code: CardholderErrorCode.Invalid,
      meta: { field: 'name' },
    });
    expect(repo.rows.size).toBe(0);
    expect(uow.events).toEqual([]);
  });

  it('refuses a UPN another cardholder has (any case) as upn-taken', async () => {
    const { repo, handler } = setup();
    repo.seed({ id: 'c1', name: 'First', upn: 'AMartin@corp' });
    await expect(handler.execute(new CreateCardholderCommand({ name: 'Second', upn: 'amartin@CORP' }, testActor()))).rejects.toMatchObject({
      code: CardholderErrorCode.UpnTaken,
      message: 'UPN amartin@corp belongs to cardholder c1 already',
    });
    expect(repo.rows.size).toBe(1);
  });
});
