import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { ApprovalRequest } from '../approval.repository';

export class ApprovalListQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected', 'expired', 'executed', 'cancelled'] })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected', 'expired', 'executed', 'cancelled'])
  status?: ApprovalRequest['status'];
}
