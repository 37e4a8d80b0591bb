import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../../trust/auth/principal';
import { CardError } from '../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { findCard } from '../shared/escrow-source';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { TemporaryCardsService } from '../temporary-cards/temporary-cards.service';
import { type CardReportView, REPORT_EFFECT, type ReportReason } from './card-report';
import { CardReportError, CardReportErrorCode } from './card-report-errors';

type ReportRow = {
  id: string;
  card_id: string;
  serial: string | null;
  cardholder_id: string;
  reason: ReportReason;
  state: CardReportView['state'];
  card_state: string;
  comment: string | null;
  reported_by: string;
  reported_at: Date;
  closed_at: Date | null;
};

const REPORT_SQL = `SELECT p.*, k.serial, k.cardholder_id FROM card_report p JOIN card k ON k.id = p.card_id`;

const view = (r: ReportRow, extra: Partial<CardReportView> = {}): CardReportView => ({
  id: r.id,
  cardId: r.card_id,
  serial: r.serial,
  cardholderId: r.cardholder_id,
  reason: r.reason,
  state: r.state,
  cardState: r.card_state,
  crlReason: REPORT_EFFECT[r.reason].crl,
  comment: r.comment,
  reportedBy: r.reported_by,
  reportedAt: r.reported_at.toISOString(),
  closedAt: r.closed_at?.toISOString() ?? null,
  ...extra,
});

const E = CardReportErrorCode;

/**
 * The help desk's first step when a card is missing: the report moves the card through the card
 * lifecycle (which revokes its certificates or puts them on hold, and queues a new CRL in the same
 * transaction) and is kept until the card is found or replaced. A card found again has its hold
 * lifted, and any temporary card standing in for it is revoked.
 */
@Injectable()
export class CardReportsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cards: CardLifecycleService,
    private readonly temporary: TemporaryCardsService,
  ) {}

  report(input: { card: string; reason: ReportReason; comment?: string }, actor: Actor): Promise<CardReportView> {
    return this.uow.run(actor, async (tx) => {
      const card = await findCard(tx.em, input.card, true);
      const deny = (e: CardReportError, cardId?: string) => {
        tx.audit({
          action: 'card.reported',
          targetType: 'card',
          targetId: cardId ?? input.card.slice(0, 64),
          outcome: 'denied',
          details: { reason: input.reason, refusal: e.code },
        });
        return tx.refuse(e);
      };
      if (!card) return deny(new CardReportError(E.NotFound, `no card ${input.card}`));
      const open = (await tx.em.query(`SELECT id, reason FROM card_report WHERE card_id = $1 AND state = 'open' FOR UPDATE`, [
        card.id,
      ])) as Array<{
        id: string;
        reason: ReportReason;
      }>;
      // A card left at home may turn out lost or stolen after all: that report replaces the first.
      if (open[0] && !(open[0].reason === 'left-at-home' && input.reason !== 'left-at-home')) {
        return deny(
          new CardReportError(E.AlreadyReported, `card ${card.serial ?? card.id} is already reported ${open[0].reason}`, {
            reportId: open[0].id,
            reason: open[0].reason,
          }),
          card.id,
        );
      }
      const effect = REPORT_EFFECT[input.reason];
      const r = await this.cards.transition(tx, card.id, effect.to, { report: input.reason });
      if (r instanceof CardError) {
        return deny(
          new CardReportError(E.WrongCardState, `card ${card.serial ?? card.id} is ${card.state}: it cannot be reported ${input.reason}`, {
            cardState: card.state,
          }),
          card.id,
        );
      }
      if (open[0]) {
        await tx.em.query(`UPDATE card_report SET state = 'closed', closed_by = $2, closed_at = $3 WHERE id = $1`, [
          open[0].id,
          tx.actor.actor,
          tx.now,
        ]);
      }
      const id = randomUUID();
      await tx.em.query(
        `INSERT INTO card_report (id, card_id, reason, state, card_state, comment, reported_by, reported_at) VALUES ($1,$2,$3,'open',$4,$5,$6,$7)`,
        [id, card.id, input.reason, effect.to, input.comment ?? null, tx.actor.actor, tx.now],
      );
      tx.audit({
        action: 'card.reported',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: {
          reason: input.reason,
          reportId: id,
          serial: card.serial,
          cardholderId: card.cardholder_id,
          from: card.state,
          to: effect.to,
          crlReason: effect.crl,
          certificates: r.certificates,
          ...(open[0] ? { replaces: open[0].id } : {}),
          ...(input.comment ? { comment: input.comment.slice(0, 300) } : {}),
        },
      });
      return view(await this.row(tx, id), { certificates: r.certificates });
    });
  }

  /**
   * The card is back. A suspended card becomes active again (the hold is lifted, so the next CRL no
   * longer lists it); a revoked card stays revoked. Either way temporary cards standing in for it
   * are revoked and the report is closed as found.
   */
  found(input: { card: string; comment?: string }, actor: Actor): Promise<CardReportView> {
    return this.uow.run(actor, async (tx) => {
      const card = await findCard(tx.em, input.card, true);
      const deny = (e: CardReportError, cardId?: string) => {
        tx.audit({
          action: 'card.found',
          targetType: 'card',
          targetId: cardId ?? input.card.slice(0, 64),
          outcome: 'denied',
          details: { refusal: e.code },
        });
        return tx.refuse(e);
      };
      if (!card) return deny(new CardReportError(E.NotFound, `no card ${input.card}`));
      const open = (await tx.em.query(`SELECT id FROM card_report WHERE card_id = $1 AND state = 'open' FOR UPDATE`, [card.id])) as Array<{
        id: string;
      }>;
      if (!open[0]) return deny(new CardReportError(E.NotReported, `card ${card.serial ?? card.id} is not reported missing`), card.id);
      let certificates: string[] = [];
      if (card.state === 'suspended') {
        const r = await this.cards.transition(tx, card.id, 'active', { found: open[0].id });
        if (r instanceof CardError) return deny(new CardReportError(E.WrongCardState, r.message), card.id);
        certificates = r.certificates;
      }
      const revoked = await this.temporary.revokeStandIns(tx, card.id, 'the card was found');
      await tx.em.query(`UPDATE card_report SET state = 'found', closed_by = $2, closed_at = $3 WHERE id = $1`, [
        open[0].id,
        tx.actor.actor,
        tx.now,
      ]);
      tx.audit({
        action: 'card.found',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: {
          reportId: open[0].id,
          serial: card.serial,
          cardState: card.state === 'suspended' ? 'active' : card.state,
          released: certificates,
          temporaryCardsRevoked: revoked,
          ...(input.comment ? { comment: input.comment.slice(0, 300) } : {}),
        },
      });
      return view(await this.row(tx, open[0].id), { certificates, temporaryCardsRevoked: revoked });
    });
  }

  list(q: { card?: string; state?: string }, actor: Actor): Promise<CardReportView[]> {
    return this.uow.run(actor, async (tx) => {
      const params: unknown[] = [];
      const w: string[] = [];
      if (q.card) {
        const card = await findCard(tx.em, q.card);
        if (!card) return [];
        w.push(`p.card_id = $${params.push(card.id)}`);
      }
      if (q.state) w.push(`p.state = $${params.push(q.state)}`);
      const rows = (await tx.em.query(
        `${REPORT_SQL} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY p.reported_at DESC LIMIT 500`,
        params,
      )) as ReportRow[];
      return rows.map((r) => view(r));
    });
  }

  private async row(tx: Tx, id: string): Promise<ReportRow> {
    return ((await tx.em.query(`${REPORT_SQL} WHERE p.id = $1`, [id])) as ReportRow[])[0];
  }
}
