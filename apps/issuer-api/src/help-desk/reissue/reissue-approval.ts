import type { EscrowFrom } from '../shared/escrow-source';

/** The dual-control request kind of a reissue. */
export const REISSUE_KIND = 'reissue';

/** What officers approve: the reported card, the escrow the new card's VSC is made from, and why. */
export type ReissueSubject = {
  cardId: string;
  serial: string | null;
  cardholderId: string;
  sourceVscId: string;
  sourceVersion: number;
  reason: string;
  from: EscrowFrom;
};
