import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { VscEscrowModule } from '../../issuance/vsc-escrow/vsc-escrow.module';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { HelpdeskSharedModule } from '../shared/help-desk-shared.module';
import { ApproveKeyRecovery } from './approve-key-recovery/approve-key-recovery.service';
import { DeliverRecoveredKeysController } from './deliver-recovered-keys/deliver-recovered-keys.controller';
import { DeliverRecoveredKeysHandler } from './deliver-recovered-keys/deliver-recovered-keys.handler';
import { FindKeyRecoveryController } from './find-key-recovery/find-key-recovery.controller';
import { FindKeyRecoveryHandler } from './find-key-recovery/find-key-recovery.handler';
import { KEY_RECOVERY_KIND } from './key-recovery-approval';
import { KEY_RECOVERY_REPOSITORY } from './key-recovery.repository';
import { PgKeyRecoveryRepository } from './pg-key-recovery.repository';
import { RequestKeyRecoveryController } from './request-key-recovery/request-key-recovery.controller';
import { RequestKeyRecoveryHandler } from './request-key-recovery/request-key-recovery.handler';
import { ShowKeyRecoveryController } from './show-key-recovery/show-key-recovery.controller';
import { ShowKeyRecoveryHandler } from './show-key-recovery/show-key-recovery.handler';

/**
 * Data recovery (design.md, "Keys, escrow and policy", the recovery path) under dual control: an
 * officer asks for a cardholder's escrowed key-management keys to decrypt old data; after m-of-n
 * approval by other officers, the requesting officer fetches them once as a PKCS#12 under a
 * password they choose. Each step is audited, never the keys or the password.
 */
@Module({
  imports: [CqrsModule, VscEscrowModule, HelpdeskSharedModule],
  controllers: [RequestKeyRecoveryController, FindKeyRecoveryController, ShowKeyRecoveryController, DeliverRecoveredKeysController],
  providers: [
    { provide: KEY_RECOVERY_REPOSITORY, useClass: PgKeyRecoveryRepository },
    ApproveKeyRecovery,
    RequestKeyRecoveryHandler,
    FindKeyRecoveryHandler,
    ShowKeyRecoveryHandler,
    DeliverRecoveredKeysHandler,
  ],
})
export class KeyRecoveryModule implements OnModuleInit {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly approve: ApproveKeyRecovery,
  ) {}

  onModuleInit(): void {
    this.approvals.register(KEY_RECOVERY_KIND, (tx, approval) => this.approve.execute(tx, approval));
  }
}
