import { IsIn, IsOptional } from 'class-validator';
import type { ApprovalRequest } from '../approval.repository';

export class ApprovalListQuery {
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected', 'expired', 'executed', 'cancelled'])
  status?: ApprovalRequest['status'];
}
