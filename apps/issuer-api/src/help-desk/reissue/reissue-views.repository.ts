import type { ReissueState } from '@scm/db';
import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import type { StoredVsc } from '../../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Reissue } from './reissue.repository';

/** A reissue with the old card, the new request, its VSC and (once claimed) the new card. */
export interface ReissueRecord {
  reissue: Reissue;
  oldCard: Card;
  request: IssuanceRequest;
  vsc: StoredVsc | null;
  newCard: Card | null;
}

export interface ReissueFilter {
  /** The old card, by id or serial. */
  card?: string;
  state?: ReissueState;
}

/** The read model of reissues. */
export interface ReissueViewRepository {
  get(id: string, tx?: TxScope): Promise<ReissueRecord | undefined>;
  /** Newest first, at most `limit`. */
  list(filter: ReissueFilter, limit: number, tx?: TxScope): Promise<ReissueRecord[]>;
}

export const REISSUE_VIEW_REPOSITORY = Symbol('ReissueViewRepository');
