import { Query } from '@nestjs/cqrs';
import type { UserView } from '../user-view';

/** Every account with its pending and active roles, by username. */
export class ListUsersQuery extends Query<UserView[]> {}
