import type { RevocationReason } from '@scm/ca';
import type { Card } from '../../issuance/cards/card.repository';
import type { CardState } from '../../issuance/cards/card-lifecycle';
import type { CardReport } from './card-report.repository';

export const REPORT_REASONS = ['lost', 'stolen', 'damaged', 'left-at-home'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const isReportReason = (s: string): s is ReportReason => (REPORT_REASONS as readonly string[]).includes(s);

/**
 * What a report does to the card and so to its certificates (CARD_LIFECYCLE applies the effect):
 * a lost or stolen card may be used by whoever holds it (the card-authentication key 9E needs no
 * PIN), so its certificates are revoked for keyCompromise; a damaged card is revoked as
 * superseded; a card left at home is suspended and its certificates put on hold, lifted when it
 * is found. Revocation is final; only a hold is undone.
 */
export const REPORT_EFFECT: Readonly<Record<ReportReason, { to: CardState; crl: RevocationReason | 'certificateHold' }>> = {
  lost: { to: 'lost', crl: 'keyCompromise' },
  stolen: { to: 'stolen', crl: 'keyCompromise' },
  damaged: { to: 'damaged', crl: 'superseded' },
  'left-at-home': { to: 'suspended', crl: 'certificateHold' },
};

/** Whether a new report replaces the card's open one: a card left at home may turn out lost, stolen or damaged after all. */
export const replacesOpenReport = (open: ReportReason, next: ReportReason): boolean => open === 'left-at-home' && next !== 'left-at-home';

/** Reasons a card can be replaced for (a card left at home is found again, not replaced). */
export const REPLACEABLE_STATES: readonly string[] = ['lost', 'stolen', 'damaged'];
/** Card states a temporary card may stand in for. */
export const STAND_IN_STATES: readonly string[] = ['suspended', 'lost', 'stolen', 'damaged'];

export interface CardReportView {
  id: string;
  cardId: string;
  serial: string | null;
  cardholderId: string | null;
  reason: ReportReason;
  state: 'open' | 'found' | 'closed';
  cardState: string;
  crlReason: string;
  comment: string | null;
  reportedBy: string;
  reportedAt: string;
  closedAt: string | null;
  /** Certificates whose status the report changed. */
  certificates?: string[];
  /** Temporary cards revoked because the card was found. */
  temporaryCardsRevoked?: string[];
}

/** A report as the help desk sees it, with what the call that made or closed it changed. */
export function toCardReportView(
  r: CardReport,
  card: Pick<Card, 'serial' | 'cardholderId'>,
  extra: Pick<CardReportView, 'certificates' | 'temporaryCardsRevoked'> = {},
): CardReportView {
  return {
    id: r.id,
    cardId: r.cardId,
    serial: card.serial,
    cardholderId: card.cardholderId,
    reason: r.reason,
    state: r.state,
    cardState: r.cardState,
    crlReason: REPORT_EFFECT[r.reason].crl,
    comment: r.comment,
    reportedBy: r.reportedBy,
    reportedAt: r.reportedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    ...extra,
  };
}
