import { createHash } from 'node:crypto';
import { HsmError, HsmErrorCode } from '@scm/hsm';
import { KeyAlgorithm, MemoryKeyProtector, VirtualSmartCard, VscErrorCode, type VscDeps } from '@scm/vsc';
import type { Logger } from 'pino';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { InMemoryVscRepository } from './in-memory-vsc.repository';
import { VscEscrowErrorCode } from './vsc-escrow-errors';
import { VscEscrowService } from './vsc-escrow.service';

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** The escrow over in-memory storage and a memory key protector (the HSM one is tested on SoftHSM2). */
function setup(protector = new MemoryKeyProtector(Buffer.alloc(32, 0x4b), Buffer.alloc(32, 0x52))) {
  const repo = new InMemoryVscRepository();
  const uow = new TestUnitOfWork();
  const errors: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const log = { error: (obj: Record<string, unknown>, msg: string) => errors.push({ obj, msg }) } as unknown as Logger;
  const deps: VscDeps = { protector };
  const escrow = new (class extends VscEscrowService {
    override deps(): VscDeps {
      return deps;
    }
  })(repo, undefined as never, uow, log);
  return { repo, uow, errors, escrow, deps };
}

async function stored(s: ReturnType<typeof setup>): Promise<string> {
  const vsc = await VirtualSmartCard.create({ serial: '00001079' }, s.deps);
  await vsc.generateKey(0x9d, KeyAlgorithm.P256);
  await vsc.seal();
  await s.uow.run(testActor(), async (tx) => {
    await s.escrow.storeNew(tx, vsc, { kind: 'escrow', requestId: 'r1', reason: 'issued' });
    await s.escrow.commitEscrow(tx, vsc.id, 1);
  });
  vsc.close();
  return vsc.id;
}

/** Changes the stored content as a failing disk or an intruder with the database would, hash recomputed. */
function tamper(s: ReturnType<typeof setup>, id: string, at: (len: number) => number): void {
  const v = s.repo.stored.find((x) => x.vscId === id)!;
  const content = Buffer.from(v.content);
  content[at(content.length)] ^= 0x01;
  v.content = content;
  v.sha256 = sha256(content);
}

describe('VscEscrowService: stored copies', () => {
  it('stores, commits and opens a VSC through the recovery path', async () => {
    const s = setup();
    const id = await stored(s);
    expect(s.repo.stored).toEqual([expect.objectContaining({ vscId: id, version: 1, kekLabel: 'scm-vsc-kek/1' })]);
    expect(s.repo.stored[0].escrowedAt).not.toBeNull();
    expect(s.uow.events.map((e) => e.action)).toEqual(['vsc.version-sealed', 'vsc.escrowed']);
    const vsc = await s.escrow.openForRecovery(id, { escrowedOnly: true });
    expect(vsc.hasPrivateKey(0x9d)).toBe(true);
    vsc.close();
  });

  it('raises an integrity alarm for a copy whose seal fails: audited on its own, logged with the VSC, version and key', async () => {
    const s = setup();
    const id = await stored(s);
    tamper(s, id, (n) => n - 1); // the last byte of the seal MAC
    const before = s.uow.committed.length;
    const err = await s.escrow.openForRecovery(id).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: VscEscrowErrorCode.IntegrityAlarm,
      meta: { vscId: id, version: 1, source: 'escrow', check: VscErrorCode.SealTag, kek: 'scm-vsc-kek/1', protector: 'memory' },
    });
    expect((err as Error).message).toMatch(new RegExp(`integrity alarm: the stored copy of VSC ${id} v1`));
    // The alarm is committed in a unit of work of its own, whatever happens to the caller's.
    expect(s.uow.committed.slice(before)).toEqual([
      {
        events: [expect.objectContaining({ action: 'vsc.integrity-alarm', targetId: id, outcome: 'failure' })],
        jobs: [],
      },
    ]);
    expect(s.errors).toEqual([
      expect.objectContaining({ obj: { alarm: expect.objectContaining({ vscId: id, check: 'vsc.integrity.seal' }) } }),
    ]);
  });

  it('raises the alarm when the content no longer matches its recorded hash', async () => {
    const s = setup();
    const id = await stored(s);
    s.repo.stored[0].sha256 = Buffer.alloc(32);
    const before = s.uow.committed.length;
    await expect(s.uow.run(testActor(), (tx) => s.escrow.commitEscrow(tx, id, 1))).rejects.toMatchObject({
      code: VscEscrowErrorCode.IntegrityAlarm,
      meta: { check: 'sha256' },
    });
    // Raised inside the caller's unit of work: kept through its rollback, committed after it by the
    // same unit of work (no second one opened while the caller's transaction holds its connection).
    expect(s.uow.committed.slice(before)).toEqual([
      {
        events: [expect.objectContaining({ action: 'vsc.integrity-alarm', targetId: id, outcome: 'failure', actor: testActor().actor })],
        jobs: [],
        rolledBack: expect.objectContaining({ code: VscEscrowErrorCode.IntegrityAlarm }),
      },
    ]);
    expect(s.errors.map((e) => e.msg)).not.toContain('the VSC integrity alarm could not be audited');
  });

  it('commits an alarm raised in a unit of work that goes on to commit once, with the rest of it', async () => {
    const s = setup();
    const id = await stored(s);
    s.repo.stored[0].sha256 = Buffer.alloc(32);
    const before = s.uow.committed.length;
    await s.uow.run(testActor(), async (tx) => {
      await s.escrow.commitEscrow(tx, id, 1).catch(() => undefined);
    });
    expect(s.uow.committed.slice(before)).toEqual([
      { events: [expect.objectContaining({ action: 'vsc.integrity-alarm', targetId: id })], jobs: [] },
    ]);
  });

  it('lets an unreachable HSM through as what it is, with no alarm', async () => {
    const real = new MemoryKeyProtector(Buffer.alloc(32, 0x4b), Buffer.alloc(32, 0x52));
    const s = setup(real);
    const id = await stored(s);
    real.checkMac = async () => {
      throw new HsmError(HsmErrorCode.Unavailable, 'the HSM is not reachable', {});
    };
    await expect(s.escrow.openForRecovery(id)).rejects.toMatchObject({ code: HsmErrorCode.Unavailable });
    expect(s.uow.events.map((e) => e.action)).not.toContain('vsc.integrity-alarm');
    expect(s.errors).toEqual([]);
  });
});
