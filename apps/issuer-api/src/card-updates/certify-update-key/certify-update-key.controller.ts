import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CardUpdateCertificate } from '@scm/personalisation';
import { callingWorker } from '../../personalisation/worker-principal';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { CertifyUpdateKeyCommand } from './certify-update-key.command';
import { CertifyUpdateKeyDto } from './certify-update-key.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/card-updates')
export class CertifyUpdateKeyController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/slots/:slot/certificate')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Certify the key a card generated in an on-card slot during an update' })
  certify(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('slot') slot: string,
    @Body() dto: CertifyUpdateKeyDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CardUpdateCertificate> {
    return this.commands.execute(new CertifyUpdateKeyCommand(id, callingWorker(p).id, slot, Buffer.from(dto.publicKey, 'base64'), actor));
  }
}
