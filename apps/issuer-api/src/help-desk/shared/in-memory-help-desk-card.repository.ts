import type { CardholderEntity } from '@scm/db';
import type { Card } from '../../issuance/cards/card.repository';
import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import { InMemoryRequestRepository } from '../../issuance/requests/in-memory-request.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { InMemoryVscRepository } from '../../issuance/vsc-escrow/in-memory-vsc.repository';
import { isUuid } from './card-ref';
import type { HelpdeskCard, HelpdeskCardRepository } from './help-desk-card.repository';

/**
 * The help desk's card view over the in-memory card, request and VSC repositories of a spec, so
 * what a spec changes through them (a card's state, a new VSC version) shows here.
 */
export class InMemoryHelpdeskCardRepository implements HelpdeskCardRepository {
  constructor(
    readonly cards = new InMemoryCardRepository(),
    readonly requests = new InMemoryRequestRepository(),
    readonly vscs = new InMemoryVscRepository(),
    /** Cardholders, shared with the spec's other read models. */
    readonly holders = new Map<string, CardholderEntity>(),
  ) {}

  /** A cardholder; fields not given get plausible values. */
  seedHolder(h: Partial<CardholderEntity> & Pick<CardholderEntity, 'id'>): CardholderEntity {
    const row: CardholderEntity = {
      name: 'Ada Example',
      email: 'ada@example.org',
      upn: 'ada@corp.example',
      orgIds: [],
      status: 'active',
      createdAt: new Date('2026-11-01T08:00:00Z'),
      updatedAt: new Date('2026-11-01T08:00:00Z'),
      ...h,
    };
    this.holders.set(row.id, row);
    return row;
  }

  /** An issued card of a cardholder: the card, its cardholder (made when unknown) and the request it was issued for. */
  seedCard(c: Partial<Card> & Pick<Card, 'id' | 'state' | 'cardholderId'>, request: Partial<IssuanceRequest> = {}): Card {
    if (!this.holders.has(c.cardholderId!)) this.seedHolder({ id: c.cardholderId! });
    const requestId = c.requestId ?? `${c.id}-request`;
    this.requests.seed({ id: requestId, state: 'issued', cardholderId: c.cardholderId!, cardId: c.id, ...request });
    return this.cards.seed({ serial: `S-${c.id}`, ...c, requestId });
  }

  async find(ref: string): Promise<HelpdeskCard | undefined> {
    const card = isUuid(ref) ? await this.cards.get(ref) : await this.cards.bySerial(ref);
    const holder = card?.cardholderId ? this.holders.get(card.cardholderId) : undefined;
    if (!card || !holder) return undefined;
    const request = card.requestId ? ((await this.requests.get(card.requestId)) ?? null) : null;
    const vsc = card.vscId ? ((await this.vscs.get(card.vscId)) ?? null) : null;
    return { card, holder: { ...holder }, request, vsc };
  }

  lock(_tx: unknown, ref: string): Promise<HelpdeskCard | undefined> {
    return this.find(ref);
  }
}
