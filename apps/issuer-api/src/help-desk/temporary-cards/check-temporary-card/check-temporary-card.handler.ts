import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import type { Clock } from '../../../platform/infra/clock.port';
import { CLOCK } from '../../../platform/infra/tokens';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { hostRefusal, notFound } from '../temporary-card-rules';
import { CheckTemporaryCardQuery, type TemporaryCardStatus } from './check-temporary-card.query';

/** A read, asked every few seconds by the host: refusals are not audited. */
@QueryHandler(CheckTemporaryCardQuery)
export class CheckTemporaryCardHandler implements IQueryHandler<CheckTemporaryCardQuery, TemporaryCardStatus> {
  constructor(
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(q: CheckTemporaryCardQuery): Promise<TemporaryCardStatus> {
    const t = await this.temporary.get(q.id);
    const vsc = t && (await this.vscs.get(t.id));
    if (!t || !vsc) throw notFound(q.id);
    const refusal = hostRefusal(t, q.host.id, this.clock.now());
    if (refusal) throw refusal;
    return { state: t.state, expiresAt: t.expiresAt.toISOString(), pinRemaining: t.pinRemaining, version: vsc.currentVersion };
  }
}
