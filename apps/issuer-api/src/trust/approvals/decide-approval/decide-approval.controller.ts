import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../auth/principal';
import { DecideApprovalCommand, type DecisionResult } from './decide-approval.command';
import { DecisionDto } from './decide-approval.dto';

/** Approve and reject: one decision, two routes. */
@ApiTags('approvals')
@ApiBearerAuth()
@Controller('api/v1/approvals')
export class DecideApprovalController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/approve')
  @Roles('security-officer', 'admin', 'help-desk')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve a request (never your own; admins approve role grants only), naming the subject hash you were shown; needs a recent password confirmation',
  })
  approve(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DecisionDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<DecisionResult> {
    return this.decide(id, 'approve', dto, p, actor);
  }

  @Post(':id/reject')
  @Roles('security-officer', 'admin', 'help-desk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a request' })
  reject(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DecisionDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<DecisionResult> {
    return this.decide(id, 'reject', dto, p, actor);
  }

  private decide(id: string, decision: 'approve' | 'reject', dto: DecisionDto, p: Principal, actor: Actor): Promise<DecisionResult> {
    if (p.kind !== 'user') throw new Error('unreachable: guarded by Roles');
    return this.commands.execute(new DecideApprovalCommand(id, decision, { id: p.id, roles: p.roles }, actor, dto.subjectHash));
  }
}
