import { Query } from '@nestjs/cqrs';
import type { CardProfile } from '../card-profile';

/** One card profile by id, or the default profile when no id is given. */
export class ShowProfileQuery extends Query<CardProfile> {
  constructor(readonly profileId: string | undefined) {
    super();
  }
}
