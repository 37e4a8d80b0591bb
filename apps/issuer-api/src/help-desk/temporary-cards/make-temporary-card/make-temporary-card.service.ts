import { Inject, Injectable } from '@nestjs/common';
import type { ApprovalRequestEntity } from '@scm/db';
import { VirtualSmartCard } from '@scm/vsc';
import { VscEscrowService } from '../../../issuance/vsc-escrow/vsc-escrow.service';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import type { Tx } from '../../../platform/infra/unit-of-work';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../../trust/workers/worker.repository';
import { STAND_IN_STATES } from '../../card-reports/card-report';
import { DerivedVscIssuer } from '../../shared/derived-vsc-issuer';
import { EscrowSource } from '../../shared/escrow-source';
import { HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import { StandInProfile } from '../../shared/stand-in-profile';
import type { TemporaryCardSubject } from '../temporary-card-approval';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { TemporaryCardError, TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { hostWorkerRefusal } from '../temporary-card-rules';

/**
 * What the last approval of a temporary card does, in the approving transaction: the card's escrow
 * is read back (escrow or archive) and opened through the recovery path; a new VSC gets fresh keys
 * and certificates ending with it, a new GUID and the recovered key-management keys; it is sealed,
 * escrowed and handed to its host. What was checked at the request is checked again: time passed.
 */
@Injectable()
export class MakeTemporaryCard {
  constructor(
    private readonly escrow: EscrowSource,
    private readonly vscs: VscEscrowService,
    private readonly issuer: DerivedVscIssuer,
    private readonly profiles: StandInProfile,
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async execute(tx: Tx, approval: ApprovalRequestEntity): Promise<void> {
    const s = approval.subject as TemporaryCardSubject;
    const found = await this.cards.lock(tx, s.cardId);
    const profile = found && (await this.profiles.of(found, tx))?.definition;
    if (!found || !STAND_IN_STATES.includes(found.card.state) || !profile)
      throw new TemporaryCardError(E.WrongState, `card ${s.serial ?? s.cardId} is ${found?.card.state ?? 'gone'}: no temporary card`);
    const open = await this.temporary.openOf(s.cardholderId, tx);
    if (open)
      throw new TemporaryCardError(E.Exists, `the cardholder already holds temporary card ${open.id}`, { temporaryCardId: open.id });
    const badHost = hostWorkerRefusal((await this.workers.get(s.hostWorkerId, tx))?.status, s.hostWorkerId);
    if (badHost) throw badHost;
    const { card, holder } = found;

    const src = await this.escrow.open(tx, { vscId: s.sourceVscId, version: s.sourceVersion }, s.from);
    try {
      const expires = await this.issuer.latestExpiry(tx, s.days);
      const tmp = await VirtualSmartCard.create(
        {
          kind: 'temporary',
          parentId: src.vsc.id,
          label: `Temporary card ${card.serial ?? ''}`.trim().slice(0, 64),
          pinTries: profile.pin.tries,
          expiresAt: Math.floor(expires.getTime() / 1000),
        },
        this.vscs.deps(),
      );
      try {
        const made = await this.issuer.fill(tx, tmp, src.vsc, {
          mode: 'temporary',
          kind: 'temporary',
          profile,
          holder: { id: holder.id, name: holder.name, upn: holder.upn, email: holder.email },
          organization: this.cfg.SCM_ORGANIZATION,
          expires,
          reference: { temporaryCardId: tmp.id },
          authorisation: approval.id,
        });
        await tmp.seal();
        await this.vscs.storeNew(tx, tmp, {
          kind: 'temporary',
          cardholderId: holder.id,
          parentId: src.vsc.id,
          reason: 'temporary card from escrow',
        });
        await this.vscs.commitEscrow(tx, tmp.id, 1);
        await this.temporary.insert(tx, {
          id: tmp.id,
          cardholderId: holder.id,
          cardId: card.id,
          sourceVscId: src.vscId,
          sourceVersion: src.version,
          hostWorkerId: s.hostWorkerId,
          approvalId: approval.id,
          state: 'issued',
          expiresAt: expires,
          pinTries: profile.pin.tries,
          pinRemaining: profile.pin.tries,
          requestedBy: `user:${approval.requestedBy}`,
          createdAt: tx.now,
          activatedAt: null,
          activatedBy: null,
          closedAt: null,
          closeReason: null,
        });
        tx.audit({
          action: 'temporary-card.created',
          targetType: 'vsc',
          targetId: tmp.id,
          outcome: 'success',
          details: {
            cardId: card.id,
            cardholderId: holder.id,
            approvalId: approval.id,
            hostWorkerId: s.hostWorkerId,
            expiresAt: expires.toISOString(),
            source: {
              vscId: src.vscId,
              version: src.version,
              from: src.source,
              ...(src.volume !== undefined ? { volume: src.volume } : {}),
            },
            certificates: made.issued,
            recovered: made.recovered,
          },
        });
      } finally {
        tmp.close();
      }
    } finally {
      src.vsc.close();
    }
  }
}
