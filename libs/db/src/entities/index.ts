import { ArchiveEntryEntity, ArchiveSignerEntity, ArchiveVolumeEntity } from './archive.entities';
import { AuditCheckpointEntity, AuditEventEntity } from './audit.entities';
import { CaAuthorityEntity, CaCertificateEntity, CaCrlEntity, CaCrlNumberEntity } from './ca.entities';
import { CardReportEntity, KeyRecoveryEntity, ReissueEntity, TemporaryCardEntity } from './helpdesk.entities';
import {
  CardEntity,
  CardEventEntity,
  CardholderEntity,
  CardProfileEntity,
  IssuanceBatchEntity,
  IssuanceRequestEntity,
  IssuanceRequestEventEntity,
  VscEntity,
  VscVersionEntity,
} from './issuance.entities';
import {
  ActivationSessionEntity,
  CardCredentialEntity,
  CardLeaseEntity,
  PersonalisationEntity,
  PersonalisationStepEntity,
  WorkerClaimEntity,
} from './personalisation.entities';
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
import { OnCardAttestationEntity, StockBatchEntity, StockCardEntity, StockCardProofEntity } from './stock.entities';
import { WorkstationEntity } from './workstation.entity';
import { CardUpdateEntity } from './card-update.entity';
import { CardholderTerminationEntity, CardProfileVersionEntity, EscrowPurgeEntity } from './lifecycle.entities';
import { PeriodicRunEntity } from './periodic-run.entity';

/**
 * Every TypeORM entity, one per table of the migrations, listed explicitly so the same list serves
 * dist, tests and migrations (test/platform/entities.test.ts holds them to the schema).
 */
export const entities = [
  WorkstationEntity,
  // trust
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
  // audit
  AuditEventEntity,
  AuditCheckpointEntity,
  // issuance
  CardholderEntity,
  CardProfileEntity,
  IssuanceBatchEntity,
  IssuanceRequestEntity,
  IssuanceRequestEventEntity,
  VscEntity,
  VscVersionEntity,
  CardEntity,
  CardEventEntity,
  // CA
  CaAuthorityEntity,
  CaCertificateEntity,
  CaCrlNumberEntity,
  CaCrlEntity,
  // archive
  ArchiveSignerEntity,
  ArchiveVolumeEntity,
  ArchiveEntryEntity,
  // personalisation
  PersonalisationEntity,
  PersonalisationStepEntity,
  CardCredentialEntity,
  CardLeaseEntity,
  WorkerClaimEntity,
  ActivationSessionEntity,
  // help desk
  CardReportEntity,
  TemporaryCardEntity,
  ReissueEntity,
  KeyRecoveryEntity,
  // card stock
  StockBatchEntity,
  StockCardEntity,
  StockCardProofEntity,
  OnCardAttestationEntity,
  // card updates
  CardUpdateEntity,
  // after issuance
  CardholderTerminationEntity,
  EscrowPurgeEntity,
  CardProfileVersionEntity,
  // periodic work across API replicas
  PeriodicRunEntity,
];
export { WorkstationEntity, PeriodicRunEntity };
export type { ReaderReport } from './workstation.entity';
export * from './trust.entities';
export * from './audit.entities';
export * from './issuance.entities';
export * from './ca.entities';
export * from './archive.entities';
export * from './personalisation.entities';
export * from './helpdesk.entities';
export * from './stock.entities';
export * from './card-update.entity';
export * from './lifecycle.entities';
