import { Module } from '@nestjs/common';
import type { HsmHandle } from '../../platform/infra/infra.module';
import { HSM } from '../../platform/infra/tokens';
import { AuditCheckpointSchedule } from './audit-checkpoint.schedule';
import { AUDIT_REPOSITORY } from './audit.repository';
import { AuditService } from './audit.service';
import { CHECKPOINT_SIGNER, HsmCheckpointSigner } from './hsm-checkpoint-signer';
import { ListAuditEventsController } from './list-audit-events/list-audit-events.controller';
import { ListAuditEventsHandler } from './list-audit-events/list-audit-events.handler';
import { PgAuditRepository } from './pg-audit.repository';
import { SignCheckpointController } from './sign-checkpoint/sign-checkpoint.controller';
import { SignCheckpointHandler } from './sign-checkpoint/sign-checkpoint.handler';
import { VerifyAuditChainController } from './verify-audit-chain/verify-audit-chain.controller';
import { VerifyAuditChainHandler } from './verify-audit-chain/verify-audit-chain.handler';

/** The audit chain's reads, its signed checkpoints (on a schedule and on demand) and its verification. */
@Module({
  controllers: [ListAuditEventsController, VerifyAuditChainController, SignCheckpointController],
  providers: [
    { provide: AUDIT_REPOSITORY, useClass: PgAuditRepository },
    { provide: CHECKPOINT_SIGNER, useFactory: (hsm: HsmHandle) => new HsmCheckpointSigner(hsm), inject: [HSM] },
    AuditService,
    AuditCheckpointSchedule,
    ListAuditEventsHandler,
    VerifyAuditChainHandler,
    SignCheckpointHandler,
  ],
  exports: [AuditService],
})
export class AuditModule {}
