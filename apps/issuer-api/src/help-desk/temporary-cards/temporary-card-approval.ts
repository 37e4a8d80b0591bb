import type { EscrowFrom } from '../shared/escrow-source';

/** The dual-control request kind of a temporary card. */
export const TEMPORARY_CARD_KIND = 'temporary-card';

/** What officers approve: the card it stands in for, the escrow it is made from, its host and lifetime. */
export type TemporaryCardSubject = {
  cardId: string;
  serial: string | null;
  cardholderId: string;
  sourceVscId: string;
  sourceVersion: number;
  hostWorkerId: string;
  days: number;
  from: EscrowFrom;
};
