import type { ApprovalEntity, ApprovalRequestEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A dual-control request (one row of approval_request). */
export type ApprovalRequest = ApprovalRequestEntity;
/** One approver's decision on it (one row of approval). */
export type ApprovalDecision = ApprovalEntity;

/**
 * Approval requests and the decisions on them. Writes take the unit of work's transaction; reads
 * without one use the pool.
 */
export interface ApprovalRepository {
  insert(tx: TxScope, request: ApprovalRequest): Promise<void>;
  get(id: string, tx: TxScope): Promise<ApprovalRequest | undefined>;
  /** The request, locked for the rest of the transaction (decisions on it are serialised). */
  lock(tx: TxScope, id: string): Promise<ApprovalRequest | undefined>;
  setStatus(tx: TxScope, id: string, status: ApprovalRequest['status']): Promise<void>;
  /** Records a decision; false when this approver already decided on this request. */
  addDecision(tx: TxScope, decision: ApprovalDecision): Promise<boolean>;
  /** How many approvals (not rejections) the request has. */
  countApprovals(tx: TxScope, requestId: string): Promise<number>;
  /** Requests in a status, oldest first, each with its number of approvals. */
  listByStatus(status: ApprovalRequest['status']): Promise<Array<{ request: ApprovalRequest; approvals: number }>>;
}

export const APPROVAL_REPOSITORY = Symbol('ApprovalRepository');
