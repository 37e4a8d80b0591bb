import { Inject, Injectable } from '@nestjs/common';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '../../pki/certificate.repository';
import { CertificateStatusService } from '../../pki/certificate-status.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { CARD_REPOSITORY, type Card, type CardRepository } from './card.repository';
import { CardError, CardErrorCode } from './card-errors';
import { CARD_LIFECYCLE, canCardTransition, type CardState } from './card-lifecycle';

/** What a new card starts as: a blank from stock, or one a worker claims straight into personalising. */
export interface NewCard {
  id: string;
  serial?: string;
  atr?: Buffer;
  state: 'blank' | 'personalising';
  stockBatch?: string;
  requestId?: string;
  cardholderId?: string;
  vscId?: string;
}

/**
 * The one place where a card changes state: the transition is checked against CARD_LIFECYCLE, the
 * certificates of the card's request follow (hold, release, revoke with the state's reason, then
 * a CRL), and the change is recorded in the card's history and audited, all in the caller's
 * transaction.
 */
@Injectable()
export class CardLifecycleService {
  constructor(
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(CERTIFICATE_REPOSITORY) private readonly issued: CertificateRepository,
    private readonly certificates: CertificateStatusService,
  ) {}

  /** Registers a card. */
  async register(tx: Tx, card: NewCard): Promise<Card> {
    const row: Card = {
      id: card.id,
      serial: card.serial ?? null,
      atr: card.atr ?? null,
      state: card.state,
      cardholderId: card.cardholderId ?? null,
      requestId: card.requestId ?? null,
      vscId: card.vscId ?? null,
      stockBatch: card.stockBatch ?? null,
      stateChangedAt: tx.now,
      createdAt: tx.now,
    };
    await this.cards.insert(tx, row);
    const facts = { serial: row.serial, requestId: row.requestId };
    await this.cards.addHistory(tx, { cardId: row.id, from: null, to: row.state, actor: tx.actor.actor, details: facts });
    tx.audit({ action: `card.${row.state}`, targetType: 'card', targetId: row.id, outcome: 'success', details: { from: null, ...facts } });
    return row;
  }

  async transition(
    tx: Tx,
    cardId: string,
    to: CardState,
    details: Record<string, unknown> = {},
  ): Promise<{ card: Card; certificates: string[] } | CardError> {
    const card = await this.cards.lock(tx, cardId);
    if (!card) return new CardError(CardErrorCode.NotFound, `no card ${cardId}`, { cardId });
    if (!canCardTransition(card.state, to)) {
      tx.audit({ action: `card.${to}`, targetType: 'card', targetId: cardId, outcome: 'denied', details: { from: card.state, to } });
      return new CardError(CardErrorCode.IllegalTransition, `card ${cardId} is ${card.state}; it cannot become ${to}`, {
        cardId,
        state: card.state,
        to,
      });
    }
    await this.cards.setState(tx, cardId, to);
    const changed = await this.applyEffect(tx, card, to);
    await this.cards.addHistory(tx, {
      cardId,
      from: card.state,
      to,
      actor: tx.actor.actor,
      details: { ...details, certificates: changed },
    });
    tx.audit({
      action: `card.${to}`,
      targetType: 'card',
      targetId: cardId,
      outcome: 'success',
      details: { from: card.state, to, ...details, certificates: changed },
    });
    return { card: { ...card, state: to, stateChangedAt: tx.now }, certificates: changed };
  }

  private async applyEffect(tx: Tx, card: Card, to: CardState): Promise<string[]> {
    const effect = CARD_LIFECYCLE[to].effect;
    if (effect.kind === 'none' || !card.requestId) return [];
    const statuses =
      effect.kind === 'hold' ? (['valid'] as const) : effect.kind === 'release' ? (['on-hold'] as const) : (['valid', 'on-hold'] as const);
    const certs = await this.issued.find({ requestId: card.requestId, statuses }, tx);
    for (const c of certs) {
      const change = effect.kind === 'revoke' ? { action: 'revoke' as const, reason: effect.reason } : { action: effect.kind };
      await this.certificates.apply(tx, c.serial, change, `card ${card.id} is ${to}`);
    }
    return certs.map((c) => c.serial);
  }
}
