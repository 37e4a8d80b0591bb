import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import type { CardReportView } from '../card-report';
import { ReportCardCommand } from './report-card.command';
import { ReportCardDto } from './report-card.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/card-reports')
export class ReportCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @ApiOperation({
    summary:
      'Report a card lost, stolen (certificates revoked, keyCompromise), damaged (superseded) or left at home (suspended, certificateHold); a new CRL follows',
  })
  report(@Body() dto: ReportCardDto, @CurrentActor() actor: Actor): Promise<CardReportView> {
    return this.commands.execute(new ReportCardCommand(dto.card, dto.reason, dto.comment, actor));
  }
}
