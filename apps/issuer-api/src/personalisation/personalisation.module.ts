import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CaModule } from '../pki/ca.module';
import { CardsModule } from '../issuance/cards/cards.module';
import { IssuanceModule } from '../issuance/requests/issuance.module';
import { VscEscrowModule } from '../issuance/vsc-escrow/vsc-escrow.module';
import { WorkersModule } from '../trust/workers/workers.module';
import { ActivationService } from './activation/activation.service';
import { AttemptsService } from './attempts.service';
import { CardSecretsService } from './card-secrets.service';
import { ClaimCardHandler } from './claim-card/claim-card.handler';
import { EndAttemptService } from './end-attempt/end-attempt.service';
import { ManagementKeyService } from './management-key/management-key.service';
import { PersonalisationController } from './personalisation.controller';
import { ProgressHub } from './progress/progress.hub';
import { ProgressQuery } from './progress/progress.query';
import { StepReportsService } from './report-step/step-reports.service';
import { CardJobsService } from './spoil-card/card-jobs.service';
import { RegenerateEscrowService } from './spoil-card/regenerate-escrow.service';
import { SpoilCardService } from './spoil-card/spoil-card.service';
import { VerificationService } from './verify-card/verification.service';
import { StalledAttemptsWatchdog } from './watchdog/stalled-attempts.watchdog';
import { WorkerPersonalisationController } from './worker-personalisation.controller';

/**
 * Issuance, part 2: card workers personalise real cards for escrowed requests (claim, management
 * key through the HSM, step reports, proofs), officers spoil abandoned cards, and cardholders
 * activate issued cards at a workstation.
 */
@Module({
  imports: [CqrsModule, CaModule, CardsModule, IssuanceModule, VscEscrowModule, WorkersModule],
  controllers: [WorkerPersonalisationController, PersonalisationController],
  providers: [
    AttemptsService,
    CardSecretsService,
    ClaimCardHandler,
    ManagementKeyService,
    StepReportsService,
    VerificationService,
    EndAttemptService,
    CardJobsService,
    RegenerateEscrowService,
    SpoilCardService,
    StalledAttemptsWatchdog,
    ActivationService,
    ProgressHub,
    ProgressQuery,
  ],
})
export class PersonalisationModule {}
