import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const ROLES = ['security-officer', 'help-desk', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An operator account (officer, help desk, auditor, admin) that logs in with a password. */
@Entity('app_user')
export class UserEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') username!: string;
  @Column('text', { name: 'display_name' }) displayName!: string;
  @Column('text', { name: 'password_hash', select: false }) passwordHash!: string;
  @Column('boolean') disabled!: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'password_changed_at' }) passwordChangedAt!: Date;
}

/** A role granted to a user, or asked for and awaiting a dual-control decision. */
@Entity('user_role')
export class UserRoleEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @Column('text') role!: Role;
  @Column('text') status!: 'pending' | 'active' | 'rejected' | 'revoked';
  @Column('uuid', { name: 'requested_by', nullable: true }) requestedBy!: string | null;
  @Column('timestamptz', { name: 'requested_at' }) requestedAt!: Date;
  @Column('uuid', { name: 'approval_id', nullable: true }) approvalId!: string | null;
  @Column('uuid', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
}

/** Failed logins counted per key (username or address) and the lock they lead to. */
@Entity('login_throttle')
export class LoginThrottleEntity {
  @PrimaryColumn('text') key!: string;
  @Column('int') failures!: number;
  @Column('timestamptz', { name: 'window_start' }) windowStart!: Date;
  @Column('timestamptz', { name: 'locked_until', nullable: true }) lockedUntil!: Date | null;
}

/** A login session of a user or an enrolled card worker, found by the hash of its token. */
@Entity('session')
export class SessionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('bytea', { name: 'token_hash' }) tokenHash!: Buffer;
  @Column('text', { name: 'principal_kind' }) principalKind!: 'user' | 'worker';
  @Column('uuid', { name: 'principal_id' }) principalId!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt!: Date;
  @Column('timestamptz', { name: 'idle_expires_at' }) idleExpiresAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('text', { nullable: true }) address!: string | null;
  @Column('text', { name: 'user_agent', nullable: true }) userAgent!: string | null;
  @Column('timestamptz', { name: 'reauthenticated_at', nullable: true }) reauthenticatedAt!: Date | null;
}

/** A sensitive action waiting for dual-control approval, with the hash of what it will do. */
@Entity('approval_request')
export class ApprovalRequestEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') kind!: string;
  @Column('jsonb') subject!: Record<string, unknown>;
  @Column('bytea', { name: 'subject_hash' }) subjectHash!: Buffer;
  @Column('text', { name: 'approver_role' }) approverRole!: Role;
  @Column('int', { name: 'required_approvals' }) requiredApprovals!: number;
  @Column('uuid', { name: 'requested_by' }) requestedBy!: string;
  @Column('timestamptz', { name: 'requested_at' }) requestedAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('text') status!: 'pending' | 'approved' | 'rejected' | 'expired' | 'executed' | 'cancelled';
}

/** One approver's decision on an approval request. */
@Entity('approval')
export class ApprovalEntity {
  @PrimaryColumn('uuid', { name: 'request_id' }) requestId!: string;
  @PrimaryColumn('uuid', { name: 'approver_id' }) approverId!: string;
  @Column('text') decision!: 'approve' | 'reject';
  @Column('bytea', { name: 'subject_hash' }) subjectHash!: Buffer;
  @Column('timestamptz', { name: 'decided_at' }) decidedAt!: Date;
}

/** A card worker host enrolled with its signing and key-exchange keys. */
@Entity('card_worker')
export class CardWorkerEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') host!: string;
  @Column('int') workstation!: number;
  @Column('bytea', { name: 'sign_key' }) signKey!: Buffer;
  @Column('bytea', { name: 'kex_key' }) kexKey!: Buffer;
  @Column('text') fingerprint!: string;
  @Column('text') status!: 'pending' | 'approved' | 'suspended' | 'revoked';
  @Column('text', { name: 'suspended_reason', nullable: true }) suspendedReason!: string | null;
  @Column('timestamptz', { name: 'registered_at' }) registeredAt!: Date;
  @Column('uuid', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
  @Column('timestamptz', { name: 'last_seen_at', nullable: true }) lastSeenAt!: Date | null;
}

/** A nonce a card worker must sign to log in, valid until it expires. */
@Entity('worker_challenge')
export class WorkerChallengeEntity {
  @PrimaryColumn('bytea') nonce!: Buffer;
  @Column('uuid', { name: 'worker_id' }) workerId!: string;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
}

/** A one-time token an operator hands to a card worker host so it can enrol. */
@Entity('enrollment_token')
export class EnrollmentTokenEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('bytea', { name: 'token_hash' }) tokenHash!: Buffer;
  @Column('int', { nullable: true }) workstation!: number | null;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt!: Date | null;
  @Column('uuid', { name: 'worker_id', nullable: true }) workerId!: string | null;
}

/** A job written in the transaction that caused it, relayed to its queue afterwards. */
@Entity('outbox')
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('text') queue!: string;
  @Column('text', { name: 'job_name' }) jobName!: string;
  @Column('text', { name: 'job_id' }) jobId!: string;
  @Column('jsonb') payload!: Record<string, unknown>;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'relayed_at', nullable: true }) relayedAt!: Date | null;
  @Column('timestamptz', { name: 'done_at', nullable: true }) doneAt!: Date | null;
  @Column('int') attempts!: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
}
