import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { systemActor } from '../../trust/auth/principal';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { Clock } from '../../platform/infra/clock.port';
import { CLOCK, LOGGER } from '../../platform/infra/tokens';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { JobConsumers } from '../../platform/jobs/job-consumers';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { CaService } from '../ca.service';

export interface PublishedCrl {
  caId: string;
  crlNumber: number;
  thisUpdate: string;
  nextUpdate: string;
  entries: number;
}

/**
 * Publishes CRLs: the `publish-crl` maintenance job (queued with every revocation, hold and
 * release, and by the schedule when the latest CRL is older than SCM_CRL_REPUBLISH_MINUTES or
 * past half its validity). The API then serves the newest CRL at /crl/<ca>.crl.
 */
@Injectable()
export class PublishCrlService implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cas: CaService,
    private readonly jobs: JobConsumers,
    private readonly periodic: PeriodicWork,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.jobs.on('publish-crl', PublishCrlService.name, async ({ caId }, job) => {
      try {
        await this.publish(caId, job.id);
      } catch (e) {
        if ((e as { code?: string }).code?.startsWith('hsm.')) this.cas.reset();
        throw e;
      }
    });
    const every = Math.min(60_000, this.cfg.SCM_CRL_REPUBLISH_MINUTES * 60_000);
    this.periodic.every('publish-due-crls', every, PublishCrlService.name, async () => {
      await this.scheduleDue();
    });
  }

  /** True when this API signs the CRLs of `caId` (a root or issuing CA with its key in the HSM). */
  async signs(caId: string): Promise<boolean> {
    return (await this.cas.signingCas()).includes(caId);
  }

  /** Asks for a CRL through the outbox (revocations call this inside their own unit of work). */
  request(tx: Tx, caId: string, cause: string): void {
    tx.enqueue('publish-crl', { caId, cause });
  }

  /**
   * Signs and stores a new CRL of `caId`. With a job id: only if no CRL made since covers the
   * job's cause (all pending publish-crl rows of the CA are claimed under a per-CA lock, so a
   * burst of revocations ends in one CRL, and each revocation committed before it is in it).
   */
  async publish(caId: string, jobId?: string): Promise<PublishedCrl | undefined> {
    return this.uow.run(systemActor('crl-publisher'), async (tx) => {
      await tx.em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`scm:crl:${caId}`]);
      let causes: string[] = [];
      if (jobId) {
        const claimed = (await tx.em.query(
          `WITH u AS (UPDATE outbox SET done_at = $2 WHERE job_name = 'publish-crl' AND payload->>'caId' = $1 AND done_at IS NULL RETURNING job_id, payload->>'cause' AS cause)
           SELECT job_id, cause FROM u`,
          [caId, tx.now],
        )) as Array<{ job_id: string; cause: string }>;
        if (!claimed.some((r) => r.job_id === jobId)) return undefined;
        causes = claimed.map((r) => r.cause);
      }
      const ca = await this.cas.ca(caId);
      const crl = await this.cas.inTx(tx, () => ca.generateCrl());
      const entries = (
        (await tx.em.query(`SELECT count(*)::int AS n FROM ca_certificate WHERE ca_id = $1 AND status <> 'valid' AND not_after >= $2`, [
          caId,
          crl.thisUpdate,
        ])) as Array<{ n: number }>
      )[0].n;
      const out: PublishedCrl = {
        caId,
        crlNumber: crl.crlNumber,
        thisUpdate: crl.thisUpdate.toISOString(),
        nextUpdate: crl.nextUpdate.toISOString(),
        entries,
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
    for (const caId of await this.cas.signingCas()) {
      const latest = await this.cas.store.latestCrl(caId);
      const age = latest ? now - latest.thisUpdate.getTime() : Infinity;
      const half = latest ? (latest.nextUpdate.getTime() - latest.thisUpdate.getTime()) / 2 : 0;
      if (!latest || age >= this.cfg.SCM_CRL_REPUBLISH_MINUTES * 60_000 || age >= half) {
        due.push({ caId, cause: `schedule-${latest?.crlNumber ?? 0}` });
      }
    }
    if (due.length) {
      await this.uow.run(systemActor('crl-schedule'), async (tx) => {
        for (const d of due) this.request(tx, d.caId, d.cause);
      });
      this.log.info({ cas: due.map((d) => d.caId) }, 'CRL publication scheduled');
    }
    return due.map((d) => d.caId);
  }
}
