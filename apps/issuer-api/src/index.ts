/**
 * The issuer API's public entry point for what runs it outside its own folder: the start script,
 * the integration tests and the benchmarks. It builds the application (`createApiApp`) from a
 * validated configuration, and names the few services and tokens an integration test reaches in a
 * running application with `app.get(...)`. Nothing outside apps/issuer-api imports a deeper path.
 */
export { createApiApp, type ApiApp } from './bootstrap';
export { API_CONFIG, loadApiConfig, type ApiConfig } from './platform/config/api-config';
export { CLOCK, HSM } from './platform/infra/tokens';
export { UnitOfWork } from './platform/infra/unit-of-work';
export { OutboxRelay } from './platform/outbox/outbox.relay';
export { routeTable, type RouteInfo } from './platform/http/route-table';
export { systemActor, type Actor } from './trust/auth/principal';
export { AuthGuard } from './trust/auth/auth.guard';
export { SessionService } from './trust/auth/session.service';
export { PgSessionRepository } from './trust/auth/pg-session.repository';
export { ApprovalsService } from './trust/approvals/approvals.service';
export { ArchiveRecoveryService } from './archive/archive-recovery.service';
export { GenerateKeysService } from './issuance/requests/generate-keys/generate-keys.service';
export { CrlPublisher } from './pki/crl-publisher.service';
export { fillDerivedVsc, recoverableKeys } from './help-desk/shared/derived-vsc';
export type { CardProfileDefinition } from './issuance/profiles/card-profile';
export { CHANNEL_PATH } from './trust/workers/worker-channel';
export { EXPIRY_CLOCK } from './card-updates/expiry-clock';
export type { Clock } from './platform/infra/clock.port';
