import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerOnly } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../../trust/auth/principal';
import { callingWorker } from '../../worker-principal';
import { BeginVerificationCommand, type VerificationChallenge } from './begin-verification.command';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class BeginVerificationController {
  constructor(private readonly commands: CommandBus) {}

  @Post('personalisation/:id/verification')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Start proving the keys on the card: a fresh nonce per slot and a key-management test' })
  verify(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<VerificationChallenge> {
    return this.commands.execute(new BeginVerificationCommand(id, callingWorker(p).id, actor));
  }
}
