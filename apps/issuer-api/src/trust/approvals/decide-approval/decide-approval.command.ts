import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';
import type { Approver } from '../approval-rules';

export interface DecisionResult {
  id: string;
  status: string;
  approvals: number;
  requiredApprovals: number;
}

/** An officer (or, for role grants, an admin) approves or rejects a request they did not make. */
export class DecideApprovalCommand extends Command<DecisionResult> {
  constructor(
    readonly approvalId: string,
    readonly decision: 'approve' | 'reject',
    readonly approver: Approver,
    readonly actor: Actor,
    /** The subject hash the approver was shown; when given it must still match. */
    readonly subjectHash?: string,
  ) {
    super();
  }
}
