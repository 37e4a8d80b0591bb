import { Query } from '@nestjs/cqrs';

/** What SCM knows of the card it last worked on in a reader (dates as ISO strings). */
export interface ReaderCardView {
  workstation: number;
  reader: string;
  serial: string;
  atr: string;
  leasedAt: string;
  /** Whether the worker still holds the job (the lease has not expired). */
  live: boolean;
  requestId: string;
  requestState: string | null;
  cardholderName: string | null;
  cardId: string | null;
  cardState: string | null;
}

/** Per workstation and reader, the card SCM last worked on there: the readers view beside the workers' reports. */
export class ShowReaderCardsQuery extends Query<ReaderCardView[]> {}
