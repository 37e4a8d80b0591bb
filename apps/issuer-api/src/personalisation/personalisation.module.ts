import { PgReaderCardsRepository } from './reader-cards/pg-reader-cards.repository';
import { READER_CARDS_REPOSITORY } from './reader-cards/reader-cards.repository';
import { ShowReaderCardsController } from './reader-cards/show-reader-cards/show-reader-cards.controller';
import { ShowReaderCardsHandler } from './reader-cards/show-reader-cards/show-reader-cards.handler';
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CardsModule } from '../issuance/cards/cards.module';
import { CardholdersModule } from '../issuance/cardholders/cardholders.module';
import { IssuanceModule } from '../issuance/requests/issuance.module';
import { VscEscrowModule } from '../issuance/vsc-escrow/vsc-escrow.module';
import { CaModule } from '../pki/ca.module';
import { StockModule } from '../stock/stock.module';
import { WorkersModule } from '../trust/workers/workers.module';
import { ACTIVATION_SESSION_REPOSITORY } from './activation/activation-session.repository';
import { ActivationService } from './activation/activation.service';
import { CancelActivationController } from './activation/cancel-activation/cancel-activation.controller';
import { CancelActivationHandler } from './activation/cancel-activation/cancel-activation.handler';
import { CompleteActivationController } from './activation/complete-activation/complete-activation.controller';
import { CompleteActivationHandler } from './activation/complete-activation/complete-activation.handler';
import { PgActivationSessionRepository } from './activation/pg-activation-session.repository';
import { PromptActivationController } from './activation/prompt-activation/prompt-activation.controller';
import { PromptActivationHandler } from './activation/prompt-activation/prompt-activation.handler';
import { ReleasePukController } from './activation/release-puk/release-puk.controller';
import { ReleasePukHandler } from './activation/release-puk/release-puk.handler';
import { ShowActivationController } from './activation/show-activation/show-activation.controller';
import { ShowActivationHandler } from './activation/show-activation/show-activation.handler';
import { StartActivationController } from './activation/start-activation/start-activation.controller';
import { StartActivationHandler } from './activation/start-activation/start-activation.handler';
import { AttemptOutcomesService } from './attempts/attempt-outcomes.service';
import { AttemptsService } from './attempts/attempts.service';
import { PERSONALISATION_REPOSITORY } from './attempts/personalisation.repository';
import { PgPersonalisationRepository } from './attempts/pg-personalisation.repository';
import { CardCertificatesService } from './card-certificates.service';
import { CARD_CREDENTIAL_REPOSITORY } from './card-credential.repository';
import { CardSecretsService } from './card-secrets.service';
import { CertifyOnCardKeyController } from './certify-on-card-key/certify-on-card-key.controller';
import { CertifyOnCardKeyHandler, CertifyOnCardKeysHandler } from './certify-on-card-key/certify-on-card-key.handler';
import { OnCardCertification } from './certify-on-card-key/on-card-certification.service';
import { CardBindingService } from './claim-card/card-binding.service';
import { ClaimCardController } from './claim-card/claim-card.controller';
import { ClaimCardHandler } from './claim-card/claim-card.handler';
import { CARD_LEASE_REPOSITORY } from './leases/card-lease.repository';
import { ClaimGuardService } from './leases/claim-guard.service';
import { LeaseCardJobController } from './leases/lease-card-job/lease-card-job.controller';
import { LeaseCardJobHandler } from './leases/lease-card-job/lease-card-job.handler';
import { PgCardLeaseRepository } from './leases/pg-card-lease.repository';
import { FailAttemptController } from './end-attempt/fail-attempt/fail-attempt.controller';
import { FailAttemptHandler } from './end-attempt/fail-attempt/fail-attempt.handler';
import { InterruptAttemptController } from './end-attempt/interrupt-attempt/interrupt-attempt.controller';
import { InterruptAttemptHandler } from './end-attempt/interrupt-attempt/interrupt-attempt.handler';
import { RefuseAttemptController } from './end-attempt/refuse-attempt/refuse-attempt.controller';
import { RefuseAttemptHandler } from './end-attempt/refuse-attempt/refuse-attempt.handler';
import { RetryCardController } from './retry-card/retry-card.controller';
import { RetryCardHandler } from './retry-card/retry-card.handler';
import { ComputeCryptogramsController } from './management-key/compute-cryptograms/compute-cryptograms.controller';
import { ComputeCryptogramsHandler } from './management-key/compute-cryptograms/compute-cryptograms.handler';
import { ConfirmManagementKeyController } from './management-key/confirm-management-key/confirm-management-key.controller';
import { ConfirmManagementKeyHandler } from './management-key/confirm-management-key/confirm-management-key.handler';
import { ReleaseManagementKeyController } from './management-key/release-management-key/release-management-key.controller';
import { ReleaseManagementKeyHandler } from './management-key/release-management-key/release-management-key.handler';
import { PgCardCredentialRepository } from './pg-card-credential.repository';
import { FollowProgressController } from './progress/follow-progress/follow-progress.controller';
import { ShowProgressHandler } from './progress/follow-progress/show-progress.handler';
import { PgProgressEventsRepository } from './progress/pg-progress-events.repository';
import { PgProgressViewsRepository } from './progress/pg-progress-views.repository';
import { PROGRESS_EVENTS_REPOSITORY } from './progress/progress-events.repository';
import { PROGRESS_VIEWS_REPOSITORY } from './progress/progress-views.repository';
import { ShowStepsController } from './progress/show-steps/show-steps.controller';
import { ShowStepsHandler } from './progress/show-steps/show-steps.handler';
import { ReassignRequestController } from './reassign-request/reassign-request.controller';
import { ReassignRequestHandler } from './reassign-request/reassign-request.handler';
import { ReleaseKeyMaterialController } from './release-key-material/release-key-material.controller';
import { ReleaseKeyMaterialHandler } from './release-key-material/release-key-material.handler';
import { ReportStepController } from './report-step/report-step.controller';
import { ReportStepHandler } from './report-step/report-step.handler';
import { StepReportsListener } from './report-step/step-reports.listener';
import { ProveBoundCardController } from './prove-bound-card/prove-bound-card.controller';
import { ProveBoundCardHandler } from './prove-bound-card/prove-bound-card.handler';
import { ShowBoundRequestController } from './show-bound-request/show-bound-request.controller';
import { ShowBoundRequestHandler } from './show-bound-request/show-bound-request.handler';
import { CardReleaseService } from './spoil-card/card-release.service';
import { RegenerateEscrowService } from './spoil-card/regenerate-escrow.service';
import { SpoilCardController } from './spoil-card/spoil-card.controller';
import { SpoilCardHandler } from './spoil-card/spoil-card.handler';
import { BeginVerificationController } from './verify-card/begin-verification/begin-verification.controller';
import { BeginVerificationHandler } from './verify-card/begin-verification/begin-verification.handler';
import { SubmitProofsController } from './verify-card/submit-proofs/submit-proofs.controller';
import { SubmitProofsHandler } from './verify-card/submit-proofs/submit-proofs.handler';
import { VerificationService } from './verify-card/verification.service';
import { StalledAttemptsWatchdog } from './watchdog/stalled-attempts.watchdog';
import { SweepStalledAttemptsHandler } from './watchdog/sweep-stalled-attempts/sweep-stalled-attempts.handler';

/**
 * Issuance, part 2: card workers personalise real cards for escrowed requests (claim, key material
 * and on-card keys, management key through the HSM, step reports, proofs), officers spoil
 * abandoned cards and follow progress, and cardholders activate issued cards at a workstation.
 */
@Module({
  imports: [CqrsModule, CaModule, CardsModule, CardholdersModule, IssuanceModule, VscEscrowModule, WorkersModule, StockModule],
  controllers: [
    ShowReaderCardsController,
    // the card worker's routes (the API ↔ worker wire contract, @scm/personalisation)
    LeaseCardJobController,
    ClaimCardController,
    ShowBoundRequestController,
    ProveBoundCardController,
    ReleaseKeyMaterialController,
    CertifyOnCardKeyController,
    ComputeCryptogramsController,
    ReleaseManagementKeyController,
    ConfirmManagementKeyController,
    ReportStepController,
    BeginVerificationController,
    SubmitProofsController,
    InterruptAttemptController,
    FailAttemptController,
    RefuseAttemptController,
    RetryCardController,
    PromptActivationController,
    ReleasePukController,
    CompleteActivationController,
    // officers, the help desk and auditors
    SpoilCardController,
    ReassignRequestController,
    StartActivationController,
    ShowActivationController,
    CancelActivationController,
    ShowStepsController,
    FollowProgressController,
  ],
  providers: [
    { provide: READER_CARDS_REPOSITORY, useClass: PgReaderCardsRepository },
    ShowReaderCardsHandler,
    { provide: PERSONALISATION_REPOSITORY, useClass: PgPersonalisationRepository },
    { provide: CARD_LEASE_REPOSITORY, useClass: PgCardLeaseRepository },
    { provide: CARD_CREDENTIAL_REPOSITORY, useClass: PgCardCredentialRepository },
    { provide: ACTIVATION_SESSION_REPOSITORY, useClass: PgActivationSessionRepository },
    { provide: PROGRESS_EVENTS_REPOSITORY, useClass: PgProgressEventsRepository },
    { provide: PROGRESS_VIEWS_REPOSITORY, useClass: PgProgressViewsRepository },
    // domain services
    AttemptsService,
    AttemptOutcomesService,
    CardCertificatesService,
    CardSecretsService,
    CardBindingService,
    VerificationService,
    ActivationService,
    RegenerateEscrowService,
    CardReleaseService,
    ClaimGuardService,
    StepReportsListener,
    StalledAttemptsWatchdog,
    // use cases
    LeaseCardJobHandler,
    ClaimCardHandler,
    ShowBoundRequestHandler,
    ProveBoundCardHandler,
    ReleaseKeyMaterialHandler,
    CertifyOnCardKeyHandler,
    CertifyOnCardKeysHandler,
    OnCardCertification,
    ComputeCryptogramsHandler,
    ReleaseManagementKeyHandler,
    ConfirmManagementKeyHandler,
    ReportStepHandler,
    BeginVerificationHandler,
    SubmitProofsHandler,
    InterruptAttemptHandler,
    FailAttemptHandler,
    RefuseAttemptHandler,
    RetryCardHandler,
    PromptActivationHandler,
    ReleasePukHandler,
    CompleteActivationHandler,
    SpoilCardHandler,
    ReassignRequestHandler,
    StartActivationHandler,
    ShowActivationHandler,
    CancelActivationHandler,
    ShowStepsHandler,
    ShowProgressHandler,
    SweepStalledAttemptsHandler,
  ],
  exports: [ACTIVATION_SESSION_REPOSITORY, CARD_CREDENTIAL_REPOSITORY],
})
export class PersonalisationModule {}
