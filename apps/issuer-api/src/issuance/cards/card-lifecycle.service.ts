import { Injectable } from '@nestjs/common';
import { ChangeCertificateStatusHandler } from '../../pki/change-certificate-status/change-certificate-status.handler';
import type { Tx } from '../../platform/infra/unit-of-work';
import { CardError, CardErrorCode } from './card-errors';
import { CARD_LIFECYCLE, canCardTransition, type CardState } from './card-lifecycle';

export type CardRow = {
  id: string;
  serial: string | null;
  state: CardState;
  cardholder_id: string | null;
  request_id: string | null;
  vsc_id: string | null;
  state_changed_at: Date;
  created_at: Date;
};

/**
 * The one place where a card changes state (issues 7 and 8 drive it): the transition is checked
 * against CARD_LIFECYCLE, the certificates of the card's request follow (hold, release, revoke with
 * the state's reason, then a CRL), and the change is recorded in card_event and audited, all in
 * the caller's transaction.
 */
@Injectable()
export class CardLifecycleService {
  constructor(private readonly certificates: ChangeCertificateStatusHandler) {}

  /** Registers a card (a blank from stock, or one a worker claims straight into personalising). */
  async register(
    tx: Tx,
    card: {
      id: string;
      serial?: string;
      atr?: Buffer;
      state: 'blank' | 'personalising';
      stockBatch?: string;
      requestId?: string;
      cardholderId?: string;
      vscId?: string;
    },
  ): Promise<CardRow> {
    const rows = (await tx.em.query(
      `INSERT INTO card (id, serial, atr, state, cardholder_id, request_id, vsc_id, stock_batch, state_changed_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9) RETURNING *`,
      [
        card.id,
        card.serial ?? null,
        card.atr ?? null,
        card.state,
        card.cardholderId ?? null,
        card.requestId ?? null,
        card.vscId ?? null,
        card.stockBatch ?? null,
        tx.now,
      ],
    )) as CardRow[];
    await tx.em.query(`INSERT INTO card_event (card_id, from_state, to_state, at, actor, details) VALUES ($1, NULL, $2, $3, $4, $5)`, [
      card.id,
      card.state,
      tx.now,
      tx.actor.actor,
      JSON.stringify({ serial: card.serial ?? null, requestId: card.requestId ?? null }),
    ]);
    tx.audit({
      action: `card.${card.state}`,
      targetType: 'card',
      targetId: card.id,
      outcome: 'success',
      details: { from: null, serial: card.serial ?? null, requestId: card.requestId ?? null },
    });
    return rows[0];
  }

  async transition(
    tx: Tx,
    cardId: string,
    to: CardState,
    details: Record<string, unknown> = {},
  ): Promise<{ card: CardRow; certificates: string[] } | CardError> {
    const rows = (await tx.em.query(`SELECT * FROM card WHERE id = $1 FOR UPDATE`, [cardId])) as CardRow[];
    const card = rows[0];
    if (!card) return new CardError(CardErrorCode.NotFound, `no card ${cardId}`, { cardId });
    if (!canCardTransition(card.state, to)) {
      tx.audit({ action: `card.${to}`, targetType: 'card', targetId: cardId, outcome: 'denied', details: { from: card.state, to } });
      return new CardError(CardErrorCode.IllegalTransition, `card ${cardId} is ${card.state}; it cannot become ${to}`, {
        cardId,
        state: card.state,
        to,
      });
    }
    const updated = (await tx.em.query(
      `WITH u AS (UPDATE card SET state = $2, state_changed_at = $3 WHERE id = $1 RETURNING *) SELECT * FROM u`,
      [cardId, to, tx.now],
    )) as CardRow[];
    const changed = await this.applyEffect(tx, card, to);
    await tx.em.query(`INSERT INTO card_event (card_id, from_state, to_state, at, actor, details) VALUES ($1,$2,$3,$4,$5,$6)`, [
      cardId,
      card.state,
      to,
      tx.now,
      tx.actor.actor,
      JSON.stringify({ ...details, certificates: changed }),
    ]);
    tx.audit({
      action: `card.${to}`,
      targetType: 'card',
      targetId: cardId,
      outcome: 'success',
      details: { from: card.state, to, ...details, certificates: changed },
    });
    return { card: updated[0], certificates: changed };
  }

  private async applyEffect(tx: Tx, card: CardRow, to: CardState): Promise<string[]> {
    const effect = CARD_LIFECYCLE[to].effect;
    if (effect.kind === 'none' || !card.request_id) return [];
    const from = effect.kind === 'hold' ? ['valid'] : effect.kind === 'release' ? ['on-hold'] : ['valid', 'on-hold'];
    const certs = (await tx.em.query(`SELECT serial FROM ca_certificate WHERE reference->>'requestId' = $1 AND status = ANY($2::text[])`, [
      card.request_id,
      from,
    ])) as Array<{
      serial: string;
    }>;
    for (const c of certs) {
      const change = effect.kind === 'revoke' ? { action: 'revoke' as const, reason: effect.reason } : { action: effect.kind };
      await this.certificates.apply(tx, c.serial, change, `card ${card.id} is ${to}`);
    }
    return certs.map((c) => c.serial);
  }
}
