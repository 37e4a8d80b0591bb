import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type Card, type CardRepository } from '../../../issuance/cards/card.repository';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { type TxScope, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { isUuid } from '../../shared/card-ref';
import { PIN_UNBLOCK_REPOSITORY, type PinUnblockRepository } from '../pin-unblock.repository';
import { PinUnblockError, PinUnblockErrorCode as E } from '../pin-unblock-errors';
import { type PinUnblockView, StartPinUnblockCommand } from './start-pin-unblock.command';

/**
 * Opens an unblock session for an active card at one workstation. It is an activation session
 * with another purpose, so the card worker's activation machinery does the rest: the cardholder
 * types the new PIN there (`scm unblock pin`), the worker fetches the card's escrowed PUK wrapped
 * for itself and sets the PIN with RESET RETRY COUNTER; the PUK is never shown and the PIN never
 * reaches the API. The card stays active; the outcome is audited (`card.pin-unblocked`).
 */
@CommandHandler(StartPinUnblockCommand)
export class StartPinUnblockHandler implements ICommandHandler<StartPinUnblockCommand, PinUnblockView> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(PIN_UNBLOCK_REPOSITORY) private readonly sessions: PinUnblockRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  execute(c: StartPinUnblockCommand): Promise<PinUnblockView> {
    return this.uow.run(c.actor, async (tx) => {
      const denied = {
        action: 'card.pin-unblock-started',
        targetType: 'card',
        targetId: c.card.slice(0, 64),
        details: { serial: c.card, workstation: c.workstation },
      };
      const card = await this.lockCard(tx, c.card);
      if (!card) return tx.deny(new PinUnblockError(E.NotFound, `no card ${c.card}`), denied);
      const onCard = { ...denied, targetId: card.id };
      if (card.state !== 'active')
        return tx.deny(
          new PinUnblockError(
            E.WrongCardState,
            `card ${card.serial} is ${card.state}; only an active card's PIN is unblocked (an issued card is activated)`,
            { cardState: card.state },
          ),
          onCard,
        );
      if (!(await this.sessions.hasPuk(card.id, tx)))
        return tx.deny(new PinUnblockError(E.NotFound, `card ${card.serial} has no PUK under the HSM`), onCard);
      // A session left open past its time no longer blocks a new one.
      for (const sessionId of await this.sessions.expireStale(tx, card.id))
        tx.audit({ action: 'card.activation-expired', targetType: 'card', targetId: card.id, outcome: 'failure', details: { sessionId } });
      const open = await this.sessions.openSession(card.id, tx);
      if (open)
        return tx.deny(
          new PinUnblockError(E.SessionOpen, `a session for card ${card.serial} is already open (${open.id})`, { sessionId: open.id }),
          onCard,
        );
      const id = randomUUID();
      const expires = new Date(tx.now.getTime() + this.cfg.SCM_ACTIVATION_TTL_MINUTES * 60_000);
      await this.sessions.insert(tx, {
        id,
        cardId: card.id,
        workstation: c.workstation,
        identityCheck: c.identityCheck,
        state: 'open',
        startedBy: tx.actor.actor,
        workerId: null,
        failure: null,
        createdAt: tx.now,
        expiresAt: expires,
        closedAt: null,
        purpose: 'unblock',
      });
      tx.audit({
        action: 'card.pin-unblock-started',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: { sessionId: id, serial: card.serial, workstation: c.workstation, identityCheck: c.identityCheck },
      });
      return {
        id,
        purpose: 'unblock',
        cardId: card.id,
        serial: card.serial,
        workstation: c.workstation,
        state: 'open',
        identityCheck: c.identityCheck,
        startedBy: tx.actor.actor,
        expiresAt: expires.toISOString(),
      };
    });
  }

  /** The card named by its serial, or by its id. */
  private async lockCard(tx: TxScope, ref: string): Promise<Card | undefined> {
    return (await this.cards.lockBySerial(tx, ref)) ?? (isUuid(ref) ? await this.cards.lock(tx, ref) : undefined);
  }
}
