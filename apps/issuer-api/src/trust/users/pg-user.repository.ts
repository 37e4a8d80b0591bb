import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Role, UserEntity, UserRoleEntity } from '@scm/db';
import { type DataSource, In } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { User, UserRepository, UserRole } from './user.repository';

@Injectable()
export class PgUserRepository implements UserRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope) {
    return tx?.em ?? this.ds.manager;
  }

  async get(id: string, tx: TxScope): Promise<User | undefined> {
    return (await this.em(tx).findOneBy(UserEntity, { id })) ?? undefined;
  }

  async withPassword(by: { id: string } | { username: string }, tx: TxScope): Promise<User | undefined> {
    const q = this.em(tx).createQueryBuilder(UserEntity, 'u').addSelect('u.passwordHash');
    const found = 'id' in by ? q.where('u.id = :id', { id: by.id }) : q.where('u.username = :username', { username: by.username });
    return (await found.getOne()) ?? undefined;
  }

  async usernameTaken(tx: TxScope, username: string): Promise<boolean> {
    return tx.em.existsBy(UserEntity, { username });
  }

  async insert(tx: TxScope, user: User): Promise<void> {
    await tx.em.insert(UserEntity, user);
  }

  async setDisabled(tx: TxScope, id: string, disabled: boolean): Promise<boolean> {
    return (await tx.em.update(UserEntity, { id }, { disabled })).affected === 1;
  }

  async setPassword(tx: TxScope, id: string, passwordHash: string): Promise<void> {
    await tx.em.update(UserEntity, { id }, { passwordHash, passwordChangedAt: tx.now, mustChangePassword: false });
  }

  list(tx?: TxScope): Promise<User[]> {
    return this.em(tx).find(UserEntity, { order: { username: 'ASC' } });
  }

  roles(filter: { userId?: string; statuses: readonly UserRole['status'][] }, tx?: TxScope): Promise<UserRole[]> {
    return this.em(tx).find(UserRoleEntity, {
      where: { ...(filter.userId !== undefined ? { userId: filter.userId } : {}), status: In([...filter.statuses]) },
      order: { role: 'ASC' },
    });
  }

  async insertRole(tx: TxScope, role: UserRole): Promise<void> {
    await tx.em.insert(UserRoleEntity, role);
  }

  async linkApproval(tx: TxScope, userRoleId: string, approvalId: string): Promise<void> {
    await tx.em.update(UserRoleEntity, { id: userRoleId }, { approvalId });
  }

  async activateRole(tx: TxScope, userRoleId: string): Promise<boolean> {
    const r = await tx.em.update(UserRoleEntity, { id: userRoleId, status: 'pending' }, { status: 'active', decidedAt: tx.now });
    return r.affected === 1;
  }

  async revokeRole(tx: TxScope, userId: string, role: Role): Promise<number> {
    const r = await tx.em.update(
      UserRoleEntity,
      { userId, role, status: In(['active', 'pending']) },
      { status: 'revoked', decidedAt: tx.now },
    );
    return r.affected ?? 0;
  }
}
