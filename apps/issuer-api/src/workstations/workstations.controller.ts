import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WorkstationEntity } from '@scm/db';
import { ListWorkstationsQuery } from './list-workstations/list-workstations.query';
import { ReportHeartbeatCommand } from './report-heartbeat/report-heartbeat.command';
import { ReportHeartbeatDto } from './report-heartbeat/report-heartbeat.dto';

@ApiTags('workstations')
@Controller('api/v1/workstations')
export class WorkstationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Workstations with their readers, as their card workers last reported them' })
  list(): Promise<WorkstationEntity[]> {
    return this.queries.execute(new ListWorkstationsQuery());
  }

  @Put(':id/heartbeat')
  @HttpCode(204)
  @ApiOperation({ summary: 'Heartbeat of the card worker serving a workstation' })
  async heartbeat(@Param('id', ParseIntPipe) id: number, @Body() dto: ReportHeartbeatDto): Promise<void> {
    await this.commands.execute(
      new ReportHeartbeatCommand(
        id,
        dto.host,
        dto.readers.map((r) => ({ name: r.name, cardPresent: r.cardPresent, atr: r.atr ?? null })),
      ),
    );
  }
}
