import type { CardWorker, CardWorkersRepository } from './card-workers.repository';

/** Enrolled workers in memory, for handler specs. */
export class InMemoryCardWorkersRepository implements CardWorkersRepository {
  readonly rows = new Map<string, CardWorker>();

  seed(w: Partial<CardWorker> & Pick<CardWorker, 'id'>): CardWorker {
    const row: CardWorker = {
      name: 'ws0',
      host: 'host0',
      workstation: 0,
      signKey: Buffer.alloc(44),
      kexKey: Buffer.alloc(44),
      fingerprint: 'f'.repeat(16),
      status: 'approved',
      registeredAt: new Date('2026-12-01T07:00:00Z'),
      decidedBy: null,
      decidedAt: null,
      lastSeenAt: null,
      ...w,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async approved(workerId: string): Promise<CardWorker | undefined> {
    const w = this.rows.get(workerId);
    return w?.status === 'approved' ? { ...w } : undefined;
  }

  async approvedAt(workstation: number): Promise<CardWorker[]> {
    return [...this.rows.values()].filter((w) => w.workstation === workstation && w.status === 'approved').map((w) => ({ ...w }));
  }
}
