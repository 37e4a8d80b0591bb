import { checkpointSignatureValid } from '@scm/audit';
import { TestClock } from '../../../platform/testing/test-unit-of-work';
import { AuditService } from '../audit.service';
import { InMemoryAuditRepository } from '../in-memory-audit.repository';
import { TestCheckpointSigner } from '../testing/test-checkpoint-signer';
import { SignCheckpointHandler } from './sign-checkpoint.handler';

describe('SignCheckpointHandler', () => {
  it('signs the head and says so; says unchanged when the latest checkpoint covers the head', async () => {
    const clock = new TestClock();
    const repo = new InMemoryAuditRepository();
    const handler = new SignCheckpointHandler(
      new AuditService(repo, new TestCheckpointSigner(), clock, { warn: () => undefined }, { settle: async () => 0 }),
    );
    repo.append([{ actor: 'user:u1', action: 'a', outcome: 'success' }], clock.now());

    expect(await handler.execute()).toEqual({ seq: 1, headHash: repo.records[0].hash, signedAt: clock.now().toISOString() });
    expect(checkpointSignatureValid(repo.stored[0])).toBe(true);
    expect(await handler.execute()).toEqual({ unchanged: true });
  });

  it('passes on a signing failure after logging it', async () => {
    const repo = new InMemoryAuditRepository();
    repo.append([{ actor: 'user:u1', action: 'a', outcome: 'success' }], new Date());
    const warned: unknown[] = [];
    const signer = new TestCheckpointSigner();
    signer.sign = async () => {
      throw new Error('HSM gone');
    };
    const handler = new SignCheckpointHandler(
      new AuditService(repo, signer, new TestClock(), { warn: (o: unknown) => warned.push(o) }, { settle: async () => 0 }),
    );
    await expect(handler.execute()).rejects.toThrow('HSM gone');
    expect(warned).toEqual([{ err: 'HSM gone' }]);
    expect(repo.stored).toEqual([]);
  });
});
