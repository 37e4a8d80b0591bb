import { Query } from '@nestjs/cqrs';

/** One sealed version of a card's VSC and the archive volume holding it (null until a volume is sealed). */
export interface CardEscrowVersion {
  vscId: string;
  version: number;
  sha256: string;
  reason: string;
  createdAt: string;
  escrowedAt: string | null;
  volume: number | null;
}

/** The escrow of a card: its VSC's versions and where each is archived. */
export class ShowCardEscrowQuery extends Query<CardEscrowVersion[]> {
  constructor(readonly cardId: string) {
    super();
  }
}
