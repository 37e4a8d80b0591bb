import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardSession, PinUnblockRepository } from './pin-unblock.repository';

/** Sessions and kept PUKs in memory, for handler specs. */
export class InMemoryPinUnblockRepository implements PinUnblockRepository {
  readonly sessions = new Map<string, CardSession>();
  /** Cards whose PUK is kept. */
  readonly puks = new Set<string>();

  seedSession(s: Partial<CardSession> & Pick<CardSession, 'id' | 'cardId' | 'expiresAt'>): CardSession {
    const row: CardSession = {
      workstation: 0,
      identityCheck: 'passport',
      state: 'open',
      startedBy: 'user:seed',
      workerId: null,
      failure: null,
      createdAt: new Date('2026-12-01T08:00:00Z'),
      closedAt: null,
      purpose: 'activation',
      ...s,
    };
    this.sessions.set(row.id, row);
    return row;
  }

  async hasPuk(cardId: string): Promise<boolean> {
    return this.puks.has(cardId);
  }

  async expireStale(tx: TxScope, cardId: string): Promise<string[]> {
    const stale = [...this.sessions.values()].filter((s) => s.cardId === cardId && s.state === 'open' && s.expiresAt <= tx.now);
    for (const s of stale) this.sessions.set(s.id, { ...s, state: 'expired', closedAt: tx.now });
    return stale.map((s) => s.id);
  }

  async openSession(cardId: string): Promise<CardSession | undefined> {
    const s = [...this.sessions.values()].find((x) => x.cardId === cardId && x.state === 'open');
    return s && { ...s };
  }

  async insert(_tx: TxScope, session: CardSession): Promise<void> {
    if (await this.openSession(session.cardId)) throw new Error(`card ${session.cardId} has an open session`);
    this.sessions.set(session.id, { ...session });
  }
}
