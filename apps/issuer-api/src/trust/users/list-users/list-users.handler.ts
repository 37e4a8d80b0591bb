import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type UserView, userView } from '../user-view';
import { USER_REPOSITORY, type UserRepository, type UserRole } from '../user.repository';
import { ListUsersQuery } from './list-users.query';

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(@Inject(USER_REPOSITORY) private readonly users: UserRepository) {}

  async execute(): Promise<UserView[]> {
    const [users, roles] = await Promise.all([this.users.list(), this.users.roles({ statuses: ['pending', 'active'] })]);
    const byUser = new Map<string, UserRole[]>();
    for (const r of roles) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
    return users.map((u) => userView(u, byUser.get(u.id) ?? []));
  }
}
