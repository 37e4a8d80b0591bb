import { Query } from '@nestjs/cqrs';
import type { CardProfile } from '../card-profile';

/** Every card profile, the default first. */
export class ListProfilesQuery extends Query<CardProfile[]> {}
