import { Inject, Injectable } from '@nestjs/common';
import { jobId } from '@scm/queue';
import { TemporaryCardRevocation } from '../help-desk/temporary-cards/temporary-card-revocation.service';
import { CardError } from '../issuance/cards/card-errors';
import { CardLifecycleService } from '../issuance/cards/card-lifecycle.service';
import { IssuanceError } from '../issuance/requests/issuance-errors';
import { RequestStateMachine } from '../issuance/requests/request-state-machine';
import { VSC_REPOSITORY, type VscRepository } from '../issuance/vsc-escrow/vsc.repository';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '../pki/certificate.repository';
import { CertificateStatusService } from '../pki/certificate-status.service';
import type { Tx } from '../platform/infra/unit-of-work';
import { OUTBOX_REPOSITORY, type OutboxRepository } from '../platform/outbox/outbox.repository';
import { APPROVALS_KEPT_AT_TERMINATION, cardOutcome, requestOutcome } from './termination-rules';
import { TERMINATION_REPOSITORY, type TerminationRepository } from './termination.repository';

/** What a termination did, for the audit, the record and the answer. */
export interface TerminationSummary {
  cards: Array<{ id: string; serial: string | null; from: string; to: string }>;
  requests: Array<{ id: string; from: string; to: string }>;
  /** Serials of every certificate revoked (cessationOfOperation) by the termination. */
  certificates: string[];
  temporaryCards: string[];
  activations: string[];
  /** Card updates of the cardholder's cards that had not started. */
  cardUpdates: string[];
  approvals: Array<{ id: string; kind: string }>;
  vscs: string[];
}

/**
 * A leaver's cards, requests and credentials, ended in the caller's transaction (docs/lifecycle.md):
 * every issued card becomes `terminated` (the card lifecycle revokes its certificates with
 * cessationOfOperation and queues a CRL), a card mid-personalisation is spoiled, open requests are
 * cancelled (before a card) or failed (after), any certificate of any of the cardholder's requests
 * still valid or on hold is revoked, the temporary card is revoked, open activations and pending
 * approvals about the cardholder are cancelled (a key recovery stays possible), and every VSC of the
 * cardholder is disabled. The escrowed versions stay as they are, recoverable, until a purge.
 */
@Injectable()
export class LeaverService {
  constructor(
    @Inject(TERMINATION_REPOSITORY) private readonly leavers: TerminationRepository,
    private readonly cards: CardLifecycleService,
    private readonly requests: RequestStateMachine,
    @Inject(CERTIFICATE_REPOSITORY) private readonly issued: CertificateRepository,
    private readonly certificates: CertificateStatusService,
    private readonly temporary: TemporaryCardRevocation,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
  ) {}

  async end(tx: Tx, cardholderId: string, reason: string): Promise<TerminationSummary> {
    const why = `cardholder ${cardholderId} terminated: ${reason}`.slice(0, 300);
    const out: TerminationSummary = {
      cards: [],
      requests: [],
      certificates: [],
      temporaryCards: [],
      activations: [],
      cardUpdates: [],
      approvals: [],
      vscs: [],
    };
    const revoked = new Set<string>();

    const held = await this.leavers.cardsOf(cardholderId, tx);
    out.activations = await this.leavers.cancelActivations(
      tx,
      held.map((c) => c.id),
      why,
    );
    out.cardUpdates = await this.leavers.cancelCardUpdates(
      tx,
      held.map((c) => c.id),
      why,
    );
    for (const card of held) {
      const to = cardOutcome(card.state);
      if (to === 'unchanged') continue;
      const r = await this.cards.transition(tx, card.id, to, { reason: why });
      if (r instanceof CardError) throw r;
      for (const s of r.certificates) revoked.add(s);
      out.cards.push({ id: card.id, serial: card.serial, from: card.state, to });
    }

    for (const req of await this.leavers.requestsOf(cardholderId, tx)) {
      const to = requestOutcome(req.state);
      if (to !== 'unchanged') {
        const row = await this.requests.lock(tx, req.id);
        if (row) {
          const r = await this.requests.transition(tx, row, to, { details: { reason: why }, ...(to === 'failed' ? { failure: why } : {}) });
          if (r instanceof IssuanceError) throw r;
          out.requests.push({ id: req.id, from: req.state, to });
          await this.outbox.finishJobs(tx, [jobId('generate-keys', { requestId: req.id })]);
        }
      }
      // Whatever the card lifecycle did not reach: certificates of cancelled or failed requests, of cards replaced.
      for (const c of await this.issued.find({ requestId: req.id, statuses: ['valid', 'on-hold'] }, tx)) {
        await this.certificates.apply(tx, c.serial, { action: 'revoke', reason: 'cessationOfOperation' }, why);
        revoked.add(c.serial);
      }
    }

    out.temporaryCards = await this.temporary.revokeOfCardholder(tx, cardholderId, why);
    out.approvals = await this.leavers.cancelApprovals(tx, cardholderId, APPROVALS_KEPT_AT_TERMINATION);
    for (const a of out.approvals)
      tx.audit({
        action: 'approval.cancelled',
        targetType: 'approval',
        targetId: a.id,
        outcome: 'success',
        details: { kind: a.kind, reason: why },
      });
    for (const v of await this.leavers.vscsOf(cardholderId, tx)) {
      await this.vscs.patchState(tx, v.id, { status: 'disabled' });
      out.vscs.push(v.id);
    }
    out.certificates = [...revoked].sort();
    return out;
  }
}
