import { Query } from '@nestjs/cqrs';
import type { CardholderView } from '../cardholder';

/** One cardholder by id. */
export class ShowCardholderQuery extends Query<CardholderView> {
  constructor(readonly cardholderId: string) {
    super();
  }
}
