import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Clock } from '../../../platform/infra/clock.port';
import { CLOCK } from '../../../platform/infra/tokens';
import { READER_CARDS_REPOSITORY, type ReaderCardsRepository } from '../reader-cards.repository';
import { type ReaderCardView, ShowReaderCardsQuery } from './show-reader-cards.query';

@QueryHandler(ShowReaderCardsQuery)
export class ShowReaderCardsHandler implements IQueryHandler<ShowReaderCardsQuery, ReaderCardView[]> {
  constructor(
    @Inject(READER_CARDS_REPOSITORY) private readonly cards: ReaderCardsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(): Promise<ReaderCardView[]> {
    const now = this.clock.now();
    return (await this.cards.list()).map(({ expiresAt, leasedAt, ...c }) => ({
      ...c,
      leasedAt: leasedAt.toISOString(),
      live: expiresAt > now,
    }));
  }
}
