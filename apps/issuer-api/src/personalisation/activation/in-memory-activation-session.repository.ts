import type { TxScope } from '../../platform/infra/unit-of-work';
import type { ActivationSession, ActivationSessionRepository } from './activation-session.repository';

/** Activation sessions in memory, for handler specs. */
export class InMemoryActivationSessionRepository implements ActivationSessionRepository {
  readonly rows = new Map<string, ActivationSession>();

  seed(s: Partial<ActivationSession> & Pick<ActivationSession, 'id' | 'cardId'>): ActivationSession {
    const row: ActivationSession = {
      workstation: 0,
      identityCheck: 'passport checked in person',
      state: 'open',
      startedBy: 'user:seed',
      workerId: null,
      failure: null,
      createdAt: new Date('2026-12-01T08:50:00Z'),
      expiresAt: new Date('2026-12-01T09:20:00Z'),
      closedAt: null,
      purpose: 'activation',
      ...s,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async insert(_tx: TxScope, session: ActivationSession): Promise<void> {
    if (this.rows.has(session.id)) throw new Error(`duplicate activation session ${session.id}`);
    this.rows.set(session.id, { ...session });
  }

  async get(id: string): Promise<ActivationSession | undefined> {
    const s = this.rows.get(id);
    return s && { ...s };
  }

  async lock(_tx: TxScope, id: string): Promise<ActivationSession | undefined> {
    return this.get(id);
  }

  async openOf(cardId: string): Promise<ActivationSession | undefined> {
    const s = [...this.rows.values()].find((x) => x.cardId === cardId && x.state === 'open');
    return s && { ...s };
  }

  async update(_tx: TxScope, id: string, patch: Partial<Omit<ActivationSession, 'id'>>): Promise<void> {
    const s = this.rows.get(id);
    if (s) this.rows.set(id, { ...s, ...patch });
  }

  async expire(tx: TxScope, opts: { cardId?: string } = {}): Promise<ActivationSession[]> {
    const out: ActivationSession[] = [];
    for (const s of this.rows.values()) {
      if (s.state !== 'open' || s.expiresAt > tx.now || (opts.cardId && s.cardId !== opts.cardId)) continue;
      const closed = { ...s, state: 'expired' as const, closedAt: tx.now };
      this.rows.set(s.id, closed);
      out.push({ ...closed });
    }
    return out;
  }
}
