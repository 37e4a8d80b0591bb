import type { RevocationReason } from '@scm/ca';
import type { CardState } from '../../issuance/cards/card-lifecycle';

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

/** Reasons a card can be replaced for (a card left at home is found again, not replaced). */
export const REPLACEABLE_STATES: readonly string[] = ['lost', 'stolen', 'damaged'];
/** Card states a temporary card may stand in for. */
export const STAND_IN_STATES: readonly string[] = ['suspended', 'lost', 'stolen', 'damaged'];

export interface CardReportView {
  id: string;
  cardId: string;
  serial: string | null;
  cardholderId: string;
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
