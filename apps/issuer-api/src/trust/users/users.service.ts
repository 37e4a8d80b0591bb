import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ROLES, type Role } from '@scm/db';
import { ApprovalsService } from '../approvals/approvals.service';
import { hashPassword, passwordProblem, verifyPassword } from '@scm/common';
import { SessionService } from '../auth/session.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { UserError, UserErrorCode } from './user-errors';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  roles: Array<{ role: Role; status: string; approvalId: string | null }>;
  createdAt: string;
}

/** Accounts and roles. Granting a role takes a second admin's approval (kind "role-grant"). */
@Injectable()
export class UsersService implements OnModuleInit {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly sessions: SessionService,
  ) {}

  onModuleInit(): void {
    this.approvals.register('role-grant', async (tx, req) => {
      const { userRoleId, userId, role } = req.subject as { userRoleId: string; userId: string; role: Role };
      await tx.em.query(`UPDATE user_role SET status = 'active', decided_at = $2 WHERE id = $1 AND status = 'pending'`, [
        userRoleId,
        tx.now,
      ]);
      tx.audit({
        action: 'user.role-granted',
        targetType: 'user',
        targetId: userId,
        outcome: 'success',
        details: { role, approvalId: req.id },
      });
    });
  }

  async create(tx: Tx, input: { username: string; displayName: string; password: string }): Promise<UserView | UserError> {
    const username = input.username.trim().toLowerCase();
    const problem = passwordProblem(input.password, username);
    if (problem) return new UserError(UserErrorCode.WeakPassword, `the password ${problem}`);
    const taken = (await tx.em.query(`SELECT 1 FROM app_user WHERE username = $1`, [username])) as unknown[];
    if (taken.length) return new UserError(UserErrorCode.UsernameTaken, `the username "${username}" is taken`);
    const id = randomUUID();
    await tx.em.query(
      `INSERT INTO app_user (id, username, display_name, password_hash, disabled, created_at, password_changed_at) VALUES ($1,$2,$3,$4,false,$5,$5)`,
      [id, username, input.displayName, await hashPassword(input.password), tx.now],
    );
    tx.audit({
      action: 'user.created',
      targetType: 'user',
      targetId: id,
      outcome: 'success',
      details: { username, displayName: input.displayName },
    });
    return { id, username, displayName: input.displayName, disabled: false, roles: [], createdAt: tx.now.toISOString() };
  }

  /** Asks for a role for a user; effective only after another admin approves. */
  async requestRole(
    tx: Tx,
    userId: string,
    role: Role,
    requestedBy: string,
  ): Promise<{ userRoleId: string; approvalId: string } | UserError> {
    if (!ROLES.includes(role)) return new UserError(UserErrorCode.NotFound, `no role "${role}"`);
    const user = (await tx.em.query(`SELECT username FROM app_user WHERE id = $1`, [userId])) as Array<{ username: string }>;
    if (!user[0]) return new UserError(UserErrorCode.NotFound, `no user ${userId}`);
    const live = (await tx.em.query(`SELECT status FROM user_role WHERE user_id = $1 AND role = $2 AND status IN ('pending','active')`, [
      userId,
      role,
    ])) as Array<{
      status: string;
    }>;
    if (live.length) return new UserError(UserErrorCode.RoleAlreadyHeld, `${user[0].username} already has ${role} (${live[0].status})`);
    const userRoleId = randomUUID();
    await tx.em.query(`INSERT INTO user_role (id, user_id, role, status, requested_by, requested_at) VALUES ($1,$2,$3,'pending',$4,$5)`, [
      userRoleId,
      userId,
      role,
      requestedBy,
      tx.now,
    ]);
    const approval = await this.approvals.request(tx, {
      kind: 'role-grant',
      subject: { userRoleId, userId, username: user[0].username, role },
      approverRole: 'admin',
      requiredApprovals: 1,
      requestedBy,
    });
    await tx.em.query(`UPDATE user_role SET approval_id = $2 WHERE id = $1`, [userRoleId, approval.id]);
    tx.audit({
      action: 'user.role-requested',
      targetType: 'user',
      targetId: userId,
      outcome: 'success',
      details: { role, approvalId: approval.id },
    });
    return { userRoleId, approvalId: approval.id };
  }

  async revokeRole(tx: Tx, userId: string, role: Role): Promise<void | UserError> {
    const r = (await tx.em.query(
      `UPDATE user_role SET status = 'revoked', decided_at = $3 WHERE user_id = $1 AND role = $2 AND status IN ('active','pending') RETURNING id`,
      [userId, role, tx.now],
    )) as [unknown[], number];
    if (r[1] === 0) return new UserError(UserErrorCode.RoleNotHeld, `the user does not have ${role}`);
    tx.audit({ action: 'user.role-revoked', targetType: 'user', targetId: userId, outcome: 'success', details: { role } });
  }

  async setDisabled(tx: Tx, userId: string, disabled: boolean): Promise<void | UserError> {
    const r = (await tx.em.query(`UPDATE app_user SET disabled = $2 WHERE id = $1 RETURNING id`, [userId, disabled])) as [
      unknown[],
      number,
    ];
    if (r[1] === 0) return new UserError(UserErrorCode.NotFound, `no user ${userId}`);
    const ended = disabled ? await this.sessions.revokeAllOf(tx.em, 'user', userId) : 0;
    tx.audit({
      action: disabled ? 'user.disabled' : 'user.enabled',
      targetType: 'user',
      targetId: userId,
      outcome: 'success',
      details: { sessionsEnded: ended },
    });
  }

  async changePassword(tx: Tx, userId: string, current: string, next: string): Promise<void | UserError> {
    const rows = (await tx.em.query(`SELECT username, password_hash FROM app_user WHERE id = $1`, [userId])) as Array<{
      username: string;
      password_hash: string;
    }>;
    if (!rows[0]) return new UserError(UserErrorCode.NotFound, `no user ${userId}`);
    if (!(await verifyPassword(rows[0].password_hash, current))) {
      tx.audit({
        action: 'user.password-changed',
        targetType: 'user',
        targetId: userId,
        outcome: 'failure',
        details: { reason: 'wrong-password' },
      });
      return new UserError(UserErrorCode.WrongPassword, 'the current password is wrong');
    }
    const problem = passwordProblem(next, rows[0].username);
    if (problem) return new UserError(UserErrorCode.WeakPassword, `the new password ${problem}`);
    await tx.em.query(`UPDATE app_user SET password_hash = $2, password_changed_at = $3 WHERE id = $1`, [
      userId,
      await hashPassword(next),
      tx.now,
    ]);
    tx.audit({ action: 'user.password-changed', targetType: 'user', targetId: userId, outcome: 'success', details: {} });
  }

  async list(tx: Tx | { em: Tx['em'] }): Promise<UserView[]> {
    const rows = (await tx.em.query(
      `SELECT u.id, u.username, u.display_name, u.disabled, u.created_at,
              COALESCE(json_agg(json_build_object('role', r.role, 'status', r.status, 'approvalId', r.approval_id) ORDER BY r.role)
                       FILTER (WHERE r.id IS NOT NULL AND r.status IN ('pending','active')), '[]') AS roles
         FROM app_user u LEFT JOIN user_role r ON r.user_id = u.id
        GROUP BY u.id ORDER BY u.username`,
    )) as Array<{ id: string; username: string; display_name: string; disabled: boolean; created_at: Date; roles: UserView['roles'] }>;
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      disabled: r.disabled,
      roles: r.roles,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
