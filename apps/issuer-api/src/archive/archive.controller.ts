import { Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReconciliationReport, StoredVolume } from '@scm/archive';
import { Roles } from '../auth/access.decorator';
import { type Actor, CurrentActor } from '../auth/principal';
import { ListVolumesQuery, ShowVolumeQuery } from './list-volumes/list-volumes.query';
import type { VolumeEntryView } from './list-volumes/list-volumes.handler';
import { ReconcileArchiveQuery } from './reconcile-archive/reconcile-archive.query';
import { SealVolumeCommand, type SealVolumeResult } from './seal-volume/seal-volume.command';

@ApiTags('archive')
@ApiBearerAuth()
@Controller('api/v1/archive')
export class ArchiveController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('volumes')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Seal the next archive volume: every escrowed VSC version not yet archived, into a signed ISO 9660 image (nothing written when nothing is new)',
  })
  seal(@CurrentActor() actor: Actor): Promise<SealVolumeResult> {
    return this.commands.execute(new SealVolumeCommand(actor));
  }

  @Get('volumes')
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'Sealed volumes, newest first, with their image hashes and chain links' })
  list(): Promise<{ volumes: StoredVolume[] }> {
    return this.queries.execute(new ListVolumesQuery());
  }

  @Get('volumes/:volume')
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'One volume and the VSC versions it holds' })
  show(@Param('volume', ParseIntPipe) volume: number): Promise<StoredVolume & { entryList: VolumeEntryView[] }> {
    return this.queries.execute(new ShowVolumeQuery(volume));
  }

  @Get('reconciliation')
  @Roles('security-officer', 'auditor')
  @ApiOperation({
    summary: 'Every issued card has each escrowed version of its VSC in exactly one sealed volume: cards missing (or twice) listed',
  })
  reconcile(): Promise<ReconciliationReport> {
    return this.queries.execute(new ReconcileArchiveQuery());
  }
}
