import type { WorkstationEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** The last heartbeat of the worker serving a workstation (one row of workstation). */
export type Workstation = WorkstationEntity;

/** Workstations as their workers last reported them. */
export interface WorkstationRepository {
  /** Writes the workstation's latest report, replacing the previous one. */
  save(tx: TxScope, ws: Workstation): Promise<void>;
  /** Every workstation, by number. */
  list(tx?: TxScope): Promise<Workstation[]>;
}

export const WORKSTATION_REPOSITORY = Symbol('WorkstationRepository');
