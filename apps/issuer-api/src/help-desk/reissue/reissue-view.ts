import type { ReissueState } from '@scm/db';
import type { ReissueRecord } from './reissue-views.repository';

export interface ReissueView {
  id: string;
  oldCardId: string;
  oldSerial: string | null;
  cardholderId: string;
  reason: string;
  state: ReissueState;
  requestId: string;
  requestState: string;
  vscId: string | null;
  newCardId: string | null;
  newSerial: string | null;
  approvalId: string;
  sourceVsc: { id: string; version: number };
  createdAt: string;
  closedAt: string | null;
}

/** A reissue as the help desk sees it: the old card, the new request and, once claimed, the new card. */
export function toReissueView({ reissue: r, oldCard, request, vsc, newCard }: ReissueRecord): ReissueView {
  return {
    id: r.id,
    oldCardId: r.oldCardId,
    oldSerial: oldCard.serial,
    cardholderId: r.cardholderId,
    reason: r.reason,
    state: r.state,
    requestId: r.requestId,
    requestState: request.state,
    vscId: vsc?.id ?? null,
    newCardId: request.cardId,
    newSerial: newCard?.serial ?? null,
    approvalId: r.approvalId,
    sourceVsc: { id: r.sourceVscId, version: r.sourceVersion },
    createdAt: r.createdAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}
