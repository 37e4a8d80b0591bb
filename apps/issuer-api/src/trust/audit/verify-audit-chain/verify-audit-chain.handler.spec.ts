import { TestClock } from '../../../platform/testing/test-unit-of-work';
import { AuditService } from '../audit.service';
import { InMemoryAuditRepository } from '../in-memory-audit.repository';
import { TestCheckpointSigner } from '../testing/test-checkpoint-signer';
import { VerifyAuditChainHandler } from './verify-audit-chain.handler';

describe('VerifyAuditChainHandler', () => {
  it('reports a chain that verifies against its checkpoint, and names a deleted event', async () => {
    const clock = new TestClock();
    const repo = new InMemoryAuditRepository();
    const audit = new AuditService(repo, new TestCheckpointSigner(), clock, { warn: () => undefined }, { settle: async () => 0 });
    repo.append(
      ['a', 'b', 'c'].map((action) => ({ actor: 'user:u1', action, outcome: 'success' as const })),
      clock.now(),
    );
    await audit.checkpoint();
    const handler = new VerifyAuditChainHandler(audit);

    expect(await handler.execute()).toMatchObject({ ok: true, events: 3, latestCheckpoint: { seq: 3 } });
    repo.records.splice(1, 1);
    expect(await handler.execute()).toMatchObject({ ok: false, broken: { seq: 2, reason: 'event 2 is missing (next is 3)' } });
  });

  it('is not ok without any signed checkpoint', async () => {
    const repo = new InMemoryAuditRepository();
    repo.append([{ actor: 'user:u1', action: 'a', outcome: 'success' }], new Date());
    const rep = await new VerifyAuditChainHandler(
      new AuditService(repo, new TestCheckpointSigner(), new TestClock(), { warn: () => undefined }, { settle: async () => 0 }),
    ).execute();
    expect(rep).toMatchObject({ ok: false, problems: ['no signed checkpoint: the chain is only self-consistent'] });
  });
});
