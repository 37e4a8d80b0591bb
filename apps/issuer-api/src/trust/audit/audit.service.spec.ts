import { TestClock } from '../../platform/testing/test-unit-of-work';
import { AuditService } from './audit.service';
import { InMemoryAuditRepository } from './in-memory-audit.repository';
import { TestCheckpointSigner } from './testing/test-checkpoint-signer';

const silent = { warn: () => undefined };
const noSequencer = { settle: async () => 0 };
const event = (action: string) => ({ actor: 'user:u1', action, outcome: 'success' as const, details: {} });

describe('AuditService', () => {
  const setup = () => {
    const clock = new TestClock();
    const repo = new InMemoryAuditRepository();
    const signer = new TestCheckpointSigner();
    return { clock, repo, signer, audit: new AuditService(repo, signer, clock, silent, noSequencer) };
  };

  it('signs the head once, and again only when the chain grew (or when forced)', async () => {
    const { clock, repo, audit } = setup();
    expect(await audit.checkpoint()).toBeNull();
    repo.append([event('a'), event('b')], clock.now());
    const c = await audit.checkpoint();
    expect(c).toMatchObject({ seq: 2, headHash: repo.records[1].hash, signedAt: clock.now().toISOString(), keyLabel: 'spec-checkpoint/1' });
    expect(await audit.checkpoint()).toBeNull();
    expect(await audit.checkpoint(true)).toMatchObject({ seq: 2 });
    repo.append([event('c')], clock.now());
    expect(await audit.checkpoint()).toMatchObject({ seq: 3 });
    expect(repo.stored.map((x) => x.seq)).toEqual([2, 3]);
  });

  it('verifies a whole chain against checkpoints signed by the trusted key, and names an altered event', async () => {
    const { clock, repo, audit } = setup();
    repo.append([event('a'), event('b'), event('c')], clock.now());
    await audit.checkpoint();
    expect(await audit.verify()).toMatchObject({
      ok: true,
      events: 3,
      head: { seq: 3 },
      checkpointsChecked: 1,
      broken: null,
      problems: [],
    });
    repo.records[1] = { ...repo.records[1], action: 'tampered' };
    expect(await audit.verify()).toMatchObject({
      ok: false,
      broken: { seq: 2, reason: 'event 2 was altered (its content does not match its hash)' },
    });
  });

  it('trusts no checkpoint signed by another key', async () => {
    const { clock, repo, signer } = setup();
    repo.append([event('a')], clock.now());
    await new AuditService(repo, new TestCheckpointSigner(), clock, silent, noSequencer).checkpoint();
    const rep = await new AuditService(repo, signer, clock, silent, noSequencer).verify();
    expect(rep.ok).toBe(false);
    expect(rep.problems).toEqual(expect.arrayContaining([expect.stringMatching(/untrusted key/)]));
  });
});
