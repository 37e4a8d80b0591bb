import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { ApprovalsService } from '../../../trust/approvals/approvals.service';
import { InMemoryApprovalRepository } from '../../../trust/approvals/in-memory-approval.repository';
import { CARDHOLDER_REGISTRATION_KIND, CardholderApprovals } from '../cardholder-approvals';
import { CardholderErrorCode } from '../cardholder-errors';
import { CardholderRegistry } from '../cardholder-registry.service';
import { InMemoryCardholderRepository } from '../in-memory-cardholder.repository';
import { ImportCardholdersCommand } from './import-cardholders.command';
import { ImportCardholdersHandler } from './import-cardholders.handler';

describe('ImportCardholdersHandler', () => {
  const setup = (max = 100, duties: 'enforced' | 'relaxed' = 'relaxed') => {
    const repo = new InMemoryCardholderRepository();
    const uow = new TestUnitOfWork();
    const approvalRepo = new InMemoryApprovalRepository();
    const approvals = new CardholderApprovals(new ApprovalsService(approvalRepo, { SCM_APPROVAL_TTL_HOURS: 24 }), repo);
    approvals.register();
    const registry = new CardholderRegistry(repo, approvals, { SCM_SEPARATION_OF_DUTIES: duties });
    return { repo, uow, approvalRepo, handler: new ImportCardholdersHandler(uow, registry, { SCM_ISSUANCE_BATCH_MAX: max }) };
  };

  it('with separated duties: the whole import waits for one approval that names every cardholder', async () => {
    const { repo, approvalRepo, handler } = setup(100, 'enforced');
    const r = await handler.execute(
      new ImportCardholdersCommand(
        [
          { name: 'Alice', upn: 'alice@corp' },
          { name: 'Bob', email: 'bob@example.org' },
        ],
        testActor(),
      ),
    );
    expect(r.ids.map((id) => repo.rows.get(id)?.status)).toEqual(['pending', 'pending']);
    expect(r.approval).toMatchObject({ kind: CARDHOLDER_REGISTRATION_KIND, subjectHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(approvalRepo.requests.get(r.approval!.id)?.subject).toEqual({
      cardholders: [
        { id: r.ids[0], name: 'Alice', upn: 'alice@corp', email: null },
        { id: r.ids[1], name: 'Bob', upn: null, email: 'bob@example.org' },
      ],
    });
  });

  it('registers every cardholder of the list, each audited, and returns their ids in list order', async () => {
    const { repo, uow, handler } = setup();
    const r = await handler.execute(
      new ImportCardholdersCommand(
        [
          { name: 'Alice', upn: 'alice@corp' },
          { name: 'Bob', email: 'bob@example.org' },
        ],
        testActor(),
      ),
    );
    expect(r.created).toBe(2);
    expect(r.ids.map((id) => repo.rows.get(id)?.name)).toEqual(['Alice', 'Bob']);
    expect(uow.events.map((e) => [e.action, e.targetId, e.outcome])).toEqual([
      ['cardholder.created', r.ids[0], 'success'],
      ['cardholder.created', r.ids[1], 'success'],
    ]);
  });

  it('imports nothing when any entry is wrong, names every one, and audits the failed import', async () => {
    const { repo, uow, handler } = setup();
    repo.seed({ id: 'c1', name: 'Taken', upn: 'carol@corp' });
    const err = await handler
      .execute(
        new ImportCardholdersCommand(
          [
            { name: 'Alice', upn: 'alice@corp' },
            { name: 'Carol', upn: 'Carol@corp' },
            { name: 'Alice again', upn: 'ALICE@corp' },
            { name: '', email: 'x@example.org' },
          ],
          testActor(),
        ),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: CardholderErrorCode.InvalidBatch,
      message: '3 of 4 cardholders are wrong; nothing was imported',
      meta: {
        errors: [
          { index: 1, field: 'upn', code: 'upn-taken', message: 'UPN carol@corp belongs to cardholder c1 already' },
          { index: 2, field: 'upn', code: 'duplicate', message: 'UPN ALICE@corp appears twice', otherIndex: 0 },
          { index: 3, field: 'name', code: 'invalid', message: 'a name is required' },
        ],
      },
    });
    expect(repo.rows.size).toBe(1);
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'cardholder.imported', targetId: null, outcome: 'failure', details: { lines: 4, errors: 3 } }),
    ]);
  });

  it('refuses an empty list and one longer than the limit before opening a transaction', async () => {
    const { uow, handler } = setup(2);
    await expect(handler.execute(new ImportCardholdersCommand([], testActor()))).rejects.toMatchObject({
      code: CardholderErrorCode.Invalid,
    });
    const three = ['a', 'b', 'c'].map((n) => ({ name: n, upn: `${n}@corp` }));
    await expect(handler.execute(new ImportCardholdersCommand(three, testActor()))).rejects.toMatchObject({
      code: CardholderErrorCode.TooMany,
      message: 'at most 2 cardholders per call, got 3',
    });
    expect(uow.committed).toEqual([]);
  });
});
