import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../platform/config/api-config';
import type { Clock } from '../platform/infra/clock.port';
import { CLOCK, LOGGER } from '../platform/infra/tokens';
import { type Tx, UnitOfWork } from '../platform/infra/unit-of-work';
import { OUTBOX_REPOSITORY, type OutboxRepository } from '../platform/outbox/outbox.repository';
import { systemActor } from '../trust/auth/principal';
import { CA_AUTHORITY_REPOSITORY, type CaAuthorityRepository } from './ca-authority.repository';
import { CaService } from './ca.service';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from './certificate.repository';

export interface PublishedCrl {
  caId: string;
  crlNumber: number;
  thisUpdate: string;
  nextUpdate: string;
  entries: number;
}

/** Asks for a CRL of `caId` through the outbox, inside the unit of work of the change that needs it. */
export function requestCrl(tx: Tx, caId: string, cause: string): void {
  tx.enqueue('publish-crl', { caId, cause });
}

/**
 * Publishes CRLs: the `publish-crl` job (queued with every revocation, hold and release, and by
 * the schedule when the latest CRL is older than SCM_CRL_REPUBLISH_MINUTES or past half its
 * validity) and an officer's request. The API then serves the newest CRL at /crl/<ca>.crl.
 */
@Injectable()
export class CrlPublisher {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cas: CaService,
    @Inject(CA_AUTHORITY_REPOSITORY) private readonly authorities: CaAuthorityRepository,
    @Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** True when this API signs the CRLs of `caId` (a root or issuing CA with its key in the HSM). */
  async signs(caId: string): Promise<boolean> {
    return (await this.authorities.signingCaIds()).includes(caId);
  }

  /**
   * Signs and stores a new CRL of `caId`. With a job id: only if some change is not covered yet.
   * Every pending publish-crl row of the CA is claimed under a per-CA lock, so a burst of
   * revocations ends in one CRL, and each revocation committed before the claim is in it. A job
   * whose own row an earlier CRL already covered still signs one when it claimed rows committed
   * since: claimed rows are finished, and no other job would ever cover them.
   */
  async publish(caId: string, jobId?: string): Promise<PublishedCrl | undefined> {
    return this.uow.run(systemActor('crl-publisher'), async (tx) => {
      await this.authorities.lockCrlPublication(tx, caId);
      let causes: string[] = [];
      if (jobId) {
        const claimed = await this.outbox.finishPending(tx, 'publish-crl', { caId });
        if (claimed.length === 0) return undefined;
        causes = claimed.map((r) => String(r.payload.cause));
      }
      const ca = await this.cas.ca(tx, caId);
      const crl = await this.cas.inTx(tx, () => ca.generateCrl());
      const out: PublishedCrl = {
        caId,
        crlNumber: crl.crlNumber,
        thisUpdate: crl.thisUpdate.toISOString(),
        nextUpdate: crl.nextUpdate.toISOString(),
        entries: await this.certificates.countListed(caId, crl.thisUpdate, tx),
      };
      tx.audit({
        action: 'crl.published',
        targetType: 'ca',
        targetId: caId,
        outcome: 'success',
        details: { ...out, causes: causes.slice(0, 50) },
      });
      return out;
    });
  }

  /** Queues a CRL for every CA whose latest one is due (one job per CRL number, whichever API replica asks). */
  async scheduleDue(): Promise<string[]> {
    const now = this.clock.now().getTime();
    const due: Array<{ caId: string; cause: string }> = [];
    for (const caId of await this.authorities.signingCaIds()) {
      const latest = await this.authorities.latestCrl(caId);
      const age = latest ? now - latest.thisUpdate.getTime() : Infinity;
      const half = latest ? (latest.nextUpdate.getTime() - latest.thisUpdate.getTime()) / 2 : 0;
      if (!latest || age >= this.cfg.SCM_CRL_REPUBLISH_MINUTES * 60_000 || age >= half) {
        due.push({ caId, cause: `schedule-${latest?.crlNumber ?? 0}` });
      }
    }
    if (due.length) {
      await this.uow.run(systemActor('crl-schedule'), async (tx) => {
        for (const d of due) requestCrl(tx, d.caId, d.cause);
      });
      this.log.info({ cas: due.map((d) => d.caId) }, 'CRL publication scheduled');
    }
    return due.map((d) => d.caId);
  }
}
