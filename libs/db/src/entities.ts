import { WorkstationEntity } from './workstation.entity';

/** Every TypeORM entity, listed explicitly so the same list serves dist, tests and migrations. */
export const entities = [WorkstationEntity];
export { WorkstationEntity };
export type { ReaderReport } from './workstation.entity';
