import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { DataSource } from 'typeorm';
import { Roles } from '../auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../auth/principal';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { ApprovalError } from './approval-errors';
import { ApprovalsService } from './approvals.service';

export class DecisionDto {
  /** The subject hash the approver was shown; when given it must still match. */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/)
  subjectHash?: string;
}

export class ApprovalListQuery {
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected', 'expired', 'executed', 'cancelled'])
  status?: string;
}

type ApprovalView = {
  id: string;
  kind: string;
  subject: Record<string, unknown>;
  subjectHash: string;
  approverRole: string;
  requiredApprovals: number;
  approvals: number;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  status: string;
};

@ApiTags('approvals')
@ApiBearerAuth()
@Controller('api/v1/approvals')
export class ApprovalsController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  @Get()
  @Roles('security-officer', 'admin', 'auditor')
  @ApiOperation({ summary: 'Approval requests (default: pending), with their subject and subject hash' })
  async list(@Query() q: ApprovalListQuery): Promise<ApprovalView[]> {
    const rows = (await this.ds.query(
      `SELECT r.*, (SELECT count(*) FROM approval a WHERE a.request_id = r.id AND a.decision = 'approve')::int AS approvals
         FROM approval_request r WHERE r.status = $1 ORDER BY r.requested_at`,
      [q.status ?? 'pending'],
    )) as Array<Record<string, unknown> & { subject_hash: Buffer; requested_at: Date; expires_at: Date }>;
    return rows.map((r) => ({
      id: r.id as string,
      kind: r.kind as string,
      subject: r.subject as Record<string, unknown>,
      subjectHash: r.subject_hash.toString('hex'),
      approverRole: r.approver_role as string,
      requiredApprovals: r.required_approvals as number,
      approvals: r.approvals as number,
      requestedBy: r.requested_by as string,
      requestedAt: r.requested_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
      status: r.status as string,
    }));
  }

  @Post(':id/approve')
  @Roles('security-officer', 'admin', 'help-desk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a request (never your own; admins approve role grants only)' })
  approve(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DecisionDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.decide(id, 'approve', dto, p, actor);
  }

  @Post(':id/reject')
  @Roles('security-officer', 'admin', 'help-desk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a request' })
  reject(@Param('id', ParseUUIDPipe) id: string, @Body() dto: DecisionDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor) {
    return this.decide(id, 'reject', dto, p, actor);
  }

  private async decide(id: string, decision: 'approve' | 'reject', dto: DecisionDto, p: Principal, actor: Actor) {
    if (p.kind !== 'user') throw new Error('unreachable: guarded by Roles');
    const r = await this.uow.run(actor, async (tx) => {
      const res = await this.approvals.decide(tx, id, p, decision, dto.subjectHash);
      return res instanceof ApprovalError ? tx.refuse(res) : res;
    });
    return { id, status: r.request.status, approvals: r.approvals, requiredApprovals: r.request.requiredApprovals };
  }
}
