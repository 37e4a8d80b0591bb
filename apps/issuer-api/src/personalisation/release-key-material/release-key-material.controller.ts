import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { type PersonalisationPackage, ReleaseKeyMaterialCommand } from './release-key-material.command';

/** What the worker that claimed a request's card fetches to personalise it. */
@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/issuance-requests')
export class ReleaseKeyMaterialController {
  constructor(private readonly commands: CommandBus) {}

  @Get(':id/personalisation')
  @WorkerOnly()
  @ApiOperation({ summary: "The card's objects, certificates and key material wrapped for this worker (X25519 + HKDF + AES-GCM)" })
  personalisation(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<PersonalisationPackage> {
    return this.commands.execute(new ReleaseKeyMaterialCommand(id, p.id, actor));
  }
}
