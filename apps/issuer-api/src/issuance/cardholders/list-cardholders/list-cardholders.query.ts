import { Query } from '@nestjs/cqrs';
import type { CardholderView } from '../cardholder';

/** Cardholders matching a search (name, e-mail, UPN, organisation id), a page of them. */
export class ListCardholdersQuery extends Query<CardholderView[]> {
  constructor(readonly filter: { search?: string; limit?: number; offset?: number }) {
    super();
  }
}
