import { Global, Module } from '@nestjs/common';
import { APPROVAL_REPOSITORY } from './approval.repository';
import { ApprovalsService } from './approvals.service';
import { DecideApprovalController } from './decide-approval/decide-approval.controller';
import { DecideApprovalHandler } from './decide-approval/decide-approval.handler';
import { ListApprovalsController } from './list-approvals/list-approvals.controller';
import { ListApprovalsHandler } from './list-approvals/list-approvals.handler';
import { PgApprovalRepository } from './pg-approval.repository';

/** Dual control. Other contexts register executors with ApprovalsService and ask it for approvals. */
@Global()
@Module({
  controllers: [ListApprovalsController, DecideApprovalController],
  providers: [
    { provide: APPROVAL_REPOSITORY, useClass: PgApprovalRepository },
    ApprovalsService,
    ListApprovalsHandler,
    DecideApprovalHandler,
  ],
  exports: [ApprovalsService],
})
export class ApprovalsModule {}
