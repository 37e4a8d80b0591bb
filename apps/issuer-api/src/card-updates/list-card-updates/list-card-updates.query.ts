import { Query } from '@nestjs/cqrs';
import type { CardUpdateView } from '../card-update-view';

export class ListCardUpdatesQuery extends Query<CardUpdateView[]> {
  constructor(readonly serial: string) {
    super();
  }
}
