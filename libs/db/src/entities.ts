import {
  ApprovalEntity,
  ApprovalRequestEntity,
  CardWorkerEntity,
  EnrollmentTokenEntity,
  LoginThrottleEntity,
  OutboxEntity,
  SessionEntity,
  UserEntity,
  UserRoleEntity,
  WorkerChallengeEntity,
} from './trust.entities';
import { WorkstationEntity } from './workstation.entity';

/** Every TypeORM entity, listed explicitly so the same list serves dist, tests and migrations. */
export const entities = [
  WorkstationEntity,
  UserEntity,
  UserRoleEntity,
  LoginThrottleEntity,
  SessionEntity,
  ApprovalRequestEntity,
  ApprovalEntity,
  CardWorkerEntity,
  WorkerChallengeEntity,
  EnrollmentTokenEntity,
  OutboxEntity,
];
export { WorkstationEntity };
export type { ReaderReport } from './workstation.entity';
export * from './trust.entities';
