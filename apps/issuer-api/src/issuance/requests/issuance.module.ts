import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CaModule } from '../../pki/ca.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { VscEscrowModule } from '../vsc-escrow/vsc-escrow.module';
import { CancelRequestHandler } from './cancel-request/cancel-request.handler';
import { GenerateKeysService } from './generate-keys/generate-keys.service';
import { KeygenProcessor } from './generate-keys/keygen.processor';
import { IssuanceController } from './issuance.controller';
import { RequestEventsController } from './request-events/request-events.controller';
import { RequestEventsHub } from './request-events/request-events.hub';
import { RequestIssuanceHandler } from './request-issuance/request-issuance.handler';
import { PgRequestRepository } from './pg-request.repository';
import { REQUEST_REPOSITORY } from './request.repository';
import { RequestStateMachine } from './request-state-machine';
import { ListRequestsHandler, ShowBatchHandler, ShowRequestHandler } from './show-request/show-request.handler';

/** Issuance, the issuer side: requests (one or a batch), key generation and escrow on VSCs, and the card job (what the claiming worker fetches is personalisation's). */
@Module({
  imports: [CqrsModule, CaModule, ProfilesModule, VscEscrowModule],
  controllers: [IssuanceController, RequestEventsController],
  providers: [
    { provide: REQUEST_REPOSITORY, useClass: PgRequestRepository },
    RequestStateMachine,
    RequestIssuanceHandler,
    GenerateKeysService,
    KeygenProcessor,
    ShowRequestHandler,
    ListRequestsHandler,
    ShowBatchHandler,
    CancelRequestHandler,
    RequestEventsHub,
  ],
  exports: [REQUEST_REPOSITORY, RequestStateMachine],
})
export class IssuanceModule {}
