import { Module } from '@nestjs/common';
import { ApproveWorkerController } from './approve-worker/approve-worker.controller';
import { ApproveWorkerHandler } from './approve-worker/approve-worker.handler';
import { CreateEnrollmentTokenController } from './create-enrollment-token/create-enrollment-token.controller';
import { CreateEnrollmentTokenHandler } from './create-enrollment-token/create-enrollment-token.handler';
import { IssueChallengeController } from './issue-challenge/issue-challenge.controller';
import { IssueChallengeHandler } from './issue-challenge/issue-challenge.handler';
import { ListWorkersController } from './list-workers/list-workers.controller';
import { ListWorkersHandler } from './list-workers/list-workers.handler';
import { OpenWorkerSessionController } from './open-worker-session/open-worker-session.controller';
import { OpenWorkerSessionHandler } from './open-worker-session/open-worker-session.handler';
import { PgWorkerRepository } from './pg-worker.repository';
import { RegisterWorkerController } from './register-worker/register-worker.controller';
import { RegisterWorkerHandler } from './register-worker/register-worker.handler';
import { RevokeWorkerController } from './revoke-worker/revoke-worker.controller';
import { RevokeWorkerHandler } from './revoke-worker/revoke-worker.handler';
import { WorkerChannel } from './worker-channel';
import { WorkerDecisionService } from './worker-decision.service';
import { WORKER_REPOSITORY } from './worker.repository';

/** Card workers as enrolled machines: enrolment, approval, log-in by signed challenge, and their live channel. */
@Module({
  controllers: [
    RegisterWorkerController,
    IssueChallengeController,
    OpenWorkerSessionController,
    ListWorkersController,
    ApproveWorkerController,
    RevokeWorkerController,
    CreateEnrollmentTokenController,
  ],
  providers: [
    { provide: WORKER_REPOSITORY, useClass: PgWorkerRepository },
    WorkerChannel,
    WorkerDecisionService,
    RegisterWorkerHandler,
    IssueChallengeHandler,
    OpenWorkerSessionHandler,
    ListWorkersHandler,
    ApproveWorkerHandler,
    RevokeWorkerHandler,
    CreateEnrollmentTokenHandler,
  ],
  exports: [WORKER_REPOSITORY, WorkerChannel, WorkerDecisionService],
})
export class WorkersModule {}
