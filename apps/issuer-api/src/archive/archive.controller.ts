import { Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReconciliationReport, StoredVolume } from '@scm/archive';
import { Fresh, Roles } from '../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../trust/auth/principal';
import { UnitOfWork } from '../platform/infra/unit-of-work';
import { ArchiveKeyService } from './rotate-key/archive-key.service';
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
    private readonly uow: UnitOfWork,
    private readonly keys: ArchiveKeyService,
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

  @Post('key-rotations')
  @Roles('security-officer')
  @Fresh()
  @ApiOperation({ summary: 'Ask for a new archive key version; two other officers approve it (dual control) before it is created' })
  rotateKey(@CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<{ approvalId: string; from: string; to: string }> {
    return this.uow.run(actor, (tx) => this.keys.requestRotation(tx, p.id));
  }
}
