import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CaModule } from '../../pki/ca.module';
import { CardholdersModule } from '../cardholders/cardholders.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { VscEscrowModule } from '../vsc-escrow/vsc-escrow.module';
import { CancelRequestController } from './cancel-request/cancel-request.controller';
import { CancelRequestHandler } from './cancel-request/cancel-request.handler';
import { FollowBatchController } from './follow-batch/follow-batch.controller';
import { FollowRequestController } from './follow-request/follow-request.controller';
import { GenerateKeysService } from './generate-keys/generate-keys.service';
import { HsmKeygenAuthority } from './generate-keys/hsm-keygen-authority';
import { KEYGEN_AUTHORITY } from './generate-keys/keygen-authority.port';
import { KeygenProcessor } from './generate-keys/keygen.processor';
import { CountRequestsController } from './count-requests/count-requests.controller';
import { CountRequestsHandler } from './count-requests/count-requests.handler';
import { ListRequestsController } from './list-requests/list-requests.controller';
import { ListRequestsHandler } from './list-requests/list-requests.handler';
import { PgRequestRepository } from './pg-request.repository';
import { PgRequestViewsRepository } from './pg-request-views.repository';
import { PgRequestEventsRepository } from './request-events/pg-request-events.repository';
import { REQUEST_EVENTS_REPOSITORY } from './request-events/request-events.repository';
import { RequestIssuanceController } from './request-issuance/request-issuance.controller';
import { RequestIssuanceHandler } from './request-issuance/request-issuance.handler';
import { REQUEST_REPOSITORY } from './request.repository';
import { RequestStateMachine } from './request-state-machine';
import { REQUEST_VIEWS_REPOSITORY } from './request-views.repository';
import { ShowBatchController } from './show-batch/show-batch.controller';
import { ShowBatchHandler } from './show-batch/show-batch.handler';
import { ShowRequestController } from './show-request/show-request.controller';
import { ShowRequestHandler } from './show-request/show-request.handler';

/** Issuance, the issuer side: requests (one or a batch), key generation and escrow on VSCs, and the card job (what the claiming worker fetches and submits is personalisation's). */
@Module({
  imports: [CqrsModule, CaModule, CardholdersModule, ProfilesModule, VscEscrowModule],
  controllers: [
    RequestIssuanceController,
    ListRequestsController,
    CountRequestsController,
    ShowRequestController,
    CancelRequestController,
    ShowBatchController,
    FollowRequestController,
    FollowBatchController,
  ],
  providers: [
    { provide: REQUEST_REPOSITORY, useClass: PgRequestRepository },
    { provide: REQUEST_VIEWS_REPOSITORY, useClass: PgRequestViewsRepository },
    { provide: REQUEST_EVENTS_REPOSITORY, useClass: PgRequestEventsRepository },
    { provide: KEYGEN_AUTHORITY, useClass: HsmKeygenAuthority },
    RequestStateMachine,
    RequestIssuanceHandler,
    ListRequestsHandler,
    CountRequestsHandler,
    ShowRequestHandler,
    ShowBatchHandler,
    CancelRequestHandler,
    GenerateKeysService,
    KeygenProcessor,
  ],
  exports: [REQUEST_REPOSITORY, RequestStateMachine],
})
export class IssuanceModule {}
