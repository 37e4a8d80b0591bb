import { InMemoryApprovalRepository } from '../in-memory-approval.repository';
import { ListApprovalsHandler } from './list-approvals.handler';
import { ListApprovalsQuery } from './list-approvals.query';

describe('ListApprovalsHandler', () => {
  it('lists the requests in a status, oldest first, with their approvals and subject hash in hex', async () => {
    const repo = new InMemoryApprovalRepository();
    repo.seed({ id: 'a2', requestedAt: new Date('2026-12-01T10:00:00Z'), subject: { cardId: 'c2' } });
    repo.seed({ id: 'a1', requestedAt: new Date('2026-12-01T09:00:00Z'), subject: { cardId: 'c1' }, subjectHash: Buffer.alloc(32, 1) });
    repo.seed({ id: 'a3', status: 'executed' });
    repo.decisions.push(
      { requestId: 'a1', approverId: 'o1', decision: 'approve', subjectHash: Buffer.alloc(32, 1), decidedAt: new Date() },
      { requestId: 'a1', approverId: 'o2', decision: 'reject', subjectHash: Buffer.alloc(32, 1), decidedAt: new Date() },
    );
    const handler = new ListApprovalsHandler(repo);

    const pending = await handler.execute(new ListApprovalsQuery());

    expect(pending.map((a) => [a.id, a.approvals])).toEqual([
      ['a1', 1],
      ['a2', 0],
    ]);
    expect(pending[0]).toEqual({
      id: 'a1',
      kind: 'test-kind',
      subject: { cardId: 'c1' },
      subjectHash: '01'.repeat(32),
      approverRole: 'security-officer',
      requiredApprovals: 2,
      approvals: 1,
      requestedBy: '00000000-0000-4000-8000-0000000000f1',
      requestedAt: '2026-12-01T09:00:00.000Z',
      expiresAt: '2026-12-02T08:00:00.000Z',
      status: 'pending',
    });
    expect((await handler.execute(new ListApprovalsQuery('executed'))).map((a) => a.id)).toEqual(['a3']);
  });
});
