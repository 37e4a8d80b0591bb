import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ApprovalRequestEntity } from '@scm/db';
import { VirtualSmartCard } from '@scm/vsc';
import { IssuanceError, IssuanceErrorCode } from '../../../issuance/requests/issuance-errors';
import { REQUEST_REPOSITORY, type IssuanceRequest, type RequestRepository } from '../../../issuance/requests/request.repository';
import { RequestStateMachine } from '../../../issuance/requests/request-state-machine';
import { VscEscrowService } from '../../../issuance/vsc-escrow/vsc-escrow.service';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import type { Tx } from '../../../platform/infra/unit-of-work';
import { REPLACEABLE_STATES } from '../../card-reports/card-report';
import { DerivedVscIssuer } from '../../shared/derived-vsc-issuer';
import { EscrowSource } from '../../shared/escrow-source';
import { HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import type { ReissueSubject } from '../reissue-approval';
import { REISSUE_REPOSITORY, type ReissueRepository } from '../reissue.repository';
import { ReissueError, ReissueErrorCode as E } from '../reissue-errors';

const ok = (r: IssuanceRequest | IssuanceError): IssuanceRequest => {
  if (r instanceof IssuanceError) throw r;
  return r;
};

/**
 * What the last approval of a reissue does, in the approving transaction: a new issuance request
 * for the cardholder whose VSC — a new one, with a new GUID — is made from the old card's escrow
 * (new keys for the profile's slots, on-card slots left to the new card, the current and earlier
 * key-management keys recovered into retired slots 82, 83, … with a Key History object, the same
 * data objects). The request then goes the ordinary way: escrowed, awaiting a card, personalised
 * by a card worker.
 */
@Injectable()
export class StartReissue {
  constructor(
    private readonly escrow: EscrowSource,
    private readonly vscs: VscEscrowService,
    private readonly issuer: DerivedVscIssuer,
    private readonly states: RequestStateMachine,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    @Inject(REISSUE_REPOSITORY) private readonly reissues: ReissueRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async execute(tx: Tx, approval: ApprovalRequestEntity): Promise<void> {
    const s = approval.subject as ReissueSubject;
    const found = await this.cards.lock(tx, s.cardId);
    const old = found?.request;
    if (!found || !REPLACEABLE_STATES.includes(found.card.state) || !old)
      throw new ReissueError(E.WrongCardState, `card ${s.serial ?? s.cardId} is ${found?.card.state ?? 'gone'}: no reissue`);
    const { card, holder } = found;
    const profile = old.profile;
    const createdBy = `user:${approval.requestedBy}`;
    const requested = await this.newRequest(tx, { cardholderId: holder.id, profileId: old.profileId, profile, createdBy });
    const details = { reissueOf: card.id, reason: s.reason, approvalId: approval.id };
    await this.requests.addHistory(tx, [{ requestId: requested.id, from: null, to: 'requested', actor: tx.actor.actor, details }]);
    tx.audit({ action: 'issuance-request.requested', targetType: 'issuance-request', targetId: requested.id, outcome: 'success', details });
    await this.states.announce(tx, {
      type: 'state',
      requestId: requested.id,
      batchId: null,
      from: null,
      state: 'requested',
      at: tx.now.toISOString(),
    });

    const src = await this.escrow.open(tx, { vscId: s.sourceVscId, version: s.sourceVersion }, s.from);
    try {
      let row = (await this.states.lock(tx, requested.id))!;
      const expires = await this.issuer.latestExpiry(tx, profile.validityDays);
      const vsc = await VirtualSmartCard.create(
        { kind: 'escrow', parentId: src.vsc.id, pinTries: profile.pin.tries, pukTries: profile.puk.tries },
        this.vscs.deps(),
      );
      try {
        const made = await this.issuer.fill(tx, vsc, src.vsc, {
          mode: 'reissue',
          kind: 'escrow',
          profile,
          holder: { id: holder.id, name: holder.name, upn: holder.upn, email: holder.email },
          organization: this.cfg.SCM_ORGANIZATION,
          expires,
          reference: { requestId: requested.id },
          authorisation: approval.id,
          // A damaged card's escrowed keys are safe to put back; a lost or stolen card's are not.
          restoreEscrowed: card.state === 'damaged',
        });
        await vsc.seal();
        const v = await this.vscs.storeNew(tx, vsc, {
          kind: 'escrow',
          requestId: requested.id,
          cardholderId: holder.id,
          parentId: src.vsc.id,
          reason: 'reissued',
        });
        row = ok(
          await this.states.transition(tx, row, 'keys-generated', {
            details: {
              vscId: vsc.id,
              vscVersion: v.version,
              sha256: v.sha256,
              certificates: made.issued,
              restored: made.restored,
              recovered: made.recovered,
              onCard: made.onCard,
              reissueOf: card.id,
              source: { vscId: src.vscId, version: src.version, from: src.source },
            },
          }),
        );
        const report = await this.vscs.commitEscrow(tx, vsc.id, v.version);
        row = ok(
          await this.states.transition(tx, row, 'escrowed', {
            details: { vscId: vsc.id, vscVersion: report.version, sha256: report.contentHash },
          }),
        );
        ok(await this.states.transition(tx, row, 'awaiting-card', { details: { job: 'card-lease', reissueOf: card.id } }));
        const id = randomUUID();
        await this.reissues.insert(tx, {
          id,
          oldCardId: card.id,
          cardholderId: holder.id,
          reason: s.reason,
          approvalId: approval.id,
          requestId: requested.id,
          sourceVscId: src.vscId,
          sourceVersion: src.version,
          state: 'awaiting-card',
          requestedBy: createdBy,
          createdAt: tx.now,
          closedAt: null,
        });
        tx.audit({
          action: 'card.reissue-approved',
          targetType: 'card',
          targetId: card.id,
          outcome: 'success',
          details: {
            reason: s.reason,
            reissueId: id,
            approvalId: approval.id,
            requestId: requested.id,
            vscId: vsc.id,
            recovered: made.recovered,
            certificates: made.issued,
          },
        });
      } finally {
        vsc.close();
      }
    } finally {
      src.vsc.close();
    }
  }

  /** The new request (requested); the cardholder's open request, if one came first, makes the reissue wait. */
  private async newRequest(
    tx: Tx,
    r: Pick<IssuanceRequest, 'cardholderId' | 'profileId' | 'profile' | 'createdBy'>,
  ): Promise<IssuanceRequest> {
    const request: IssuanceRequest = {
      id: randomUUID(),
      batchId: null,
      ...r,
      state: 'requested',
      stateChangedAt: tx.now,
      failure: null,
      workerId: null,
      cardId: null,
      createdAt: tx.now,
    };
    try {
      await this.requests.insertMany(tx, [request]);
    } catch (e) {
      if (e instanceof IssuanceError && e.code === IssuanceErrorCode.OpenRequestExists)
        throw new ReissueError(E.Pending, 'the cardholder has an open issuance request; the reissue waits until it ends');
      throw e;
    }
    return request;
  }
}
