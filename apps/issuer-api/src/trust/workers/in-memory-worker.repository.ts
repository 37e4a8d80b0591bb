import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardWorker, EnrollmentToken, WorkerChallenge, WorkerRepository } from './worker.repository';

/** Workers, enrolment tokens and challenges in memory, for handler specs. */
export class InMemoryWorkerRepository implements WorkerRepository {
  readonly workers = new Map<string, CardWorker>();
  readonly tokens = new Map<string, EnrollmentToken>();
  readonly challenges: WorkerChallenge[] = [];

  /** Puts a worker in place; fields not given get plausible values. */
  seed(w: Partial<CardWorker> & Pick<CardWorker, 'id'>): CardWorker {
    const row: CardWorker = {
      name: 'frontdesk-1 ws0',
      host: 'frontdesk-1',
      workstation: 0,
      signKey: Buffer.alloc(44),
      kexKey: Buffer.alloc(44),
      fingerprint: 'ABCD-'.repeat(15) + 'ABCD',
      status: 'pending',
      suspendedReason: null,
      registeredAt: new Date('2026-12-01T08:00:00Z'),
      decidedBy: null,
      decidedAt: null,
      lastSeenAt: null,
      ...w,
    };
    this.workers.set(row.id, row);
    return row;
  }

  async get(id: string): Promise<CardWorker | undefined> {
    const w = this.workers.get(id);
    return w && { ...w };
  }

  lock(_tx: TxScope, id: string): Promise<CardWorker | undefined> {
    return this.get(id);
  }

  async list(): Promise<CardWorker[]> {
    return [...this.workers.values()].sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime()).map((w) => ({ ...w }));
  }

  async approvedAt(workstation: number): Promise<CardWorker[]> {
    return (await this.list()).filter((w) => w.workstation === workstation && w.status === 'approved');
  }

  async insert(_tx: TxScope, worker: CardWorker): Promise<void> {
    this.workers.set(worker.id, { ...worker });
  }

  async decide(tx: TxScope, id: string, status: 'approved' | 'revoked', decidedBy: string): Promise<CardWorker | undefined> {
    const w = this.workers.get(id);
    if (!w) return undefined;
    const next = { ...w, status, decidedBy, decidedAt: tx.now, suspendedReason: null };
    this.workers.set(id, next);
    return { ...next };
  }

  async suspend(tx: TxScope, id: string, reason: string): Promise<void> {
    const w = this.workers.get(id);
    if (w?.status === 'approved') this.workers.set(id, { ...w, status: 'suspended', suspendedReason: reason, decidedAt: tx.now });
  }

  async touch(tx: TxScope, id: string): Promise<void> {
    const w = this.workers.get(id);
    if (w) this.workers.set(id, { ...w, lastSeenAt: tx.now });
  }

  async insertEnrollmentToken(_tx: TxScope, token: EnrollmentToken): Promise<void> {
    this.tokens.set(token.id, { ...token });
  }

  async lockEnrollmentToken(_tx: TxScope, tokenHash: Buffer): Promise<EnrollmentToken | undefined> {
    const t = [...this.tokens.values()].find((x) => x.tokenHash.equals(tokenHash));
    return t && { ...t };
  }

  async useEnrollmentToken(tx: TxScope, id: string, workerId: string): Promise<void> {
    const t = this.tokens.get(id);
    if (t) this.tokens.set(id, { ...t, usedAt: tx.now, workerId });
  }

  async insertChallenge(_tx: TxScope, challenge: WorkerChallenge): Promise<void> {
    this.challenges.push({ ...challenge });
  }

  async purgeExpiredChallenges(tx: TxScope): Promise<void> {
    const live = this.challenges.filter((c) => c.expiresAt >= tx.now);
    this.challenges.splice(0, this.challenges.length, ...live);
  }

  async takeChallenge(tx: TxScope, nonce: Buffer, workerId: string): Promise<boolean> {
    const i = this.challenges.findIndex((c) => c.nonce.equals(nonce) && c.workerId === workerId && c.expiresAt > tx.now);
    if (i < 0) return false;
    this.challenges.splice(i, 1);
    return true;
  }
}
