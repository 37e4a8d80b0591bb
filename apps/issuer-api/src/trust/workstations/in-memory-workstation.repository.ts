import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Workstation, WorkstationRepository } from './workstation.repository';

/** Workstations in memory, for handler specs. */
export class InMemoryWorkstationRepository implements WorkstationRepository {
  readonly rows = new Map<number, Workstation>();

  async save(_tx: TxScope, ws: Workstation): Promise<void> {
    this.rows.set(ws.id, { ...ws, readers: ws.readers.map((r) => ({ ...r })) });
  }

  async list(): Promise<Workstation[]> {
    return [...this.rows.values()].sort((a, b) => a.id - b.id).map((w) => ({ ...w }));
  }
}
