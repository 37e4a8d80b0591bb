import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBase64, Length } from 'class-validator';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { type HostedTemporaryCard, TemporaryCardsService } from './temporary-cards.service';

export class SealMacDto {
  @ApiProperty({ description: 'the content bytes before the seal (base64)' }) @IsBase64() @Length(4, 11_200_000) data!: string;
}

export class CardholderKeyDto {
  @ApiProperty({ description: 'slot type 02 ‖ VSC id (17 bytes, base64)' }) @IsBase64() @Length(24, 24) context!: string;
  @ApiProperty({ description: 'Argon2id output computed on the host (32 bytes, base64)' }) @IsBase64() @Length(44, 44) kdfOutput!: string;
}

const hostOf = (p: Principal) => {
  if (p.kind !== 'worker') throw new Error('a worker route reached by a user');
  return { id: p.id, workstation: p.workstation };
};

/**
 * The HSM half of a temporary card served on an enrolled host (scm temporary-card serve): the
 * host's remote key protector calls these, as the worker the card is bound to. The recovery path
 * is never offered here.
 */
@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/temporary-cards')
export class WorkerTemporaryCardsController {
  constructor(private readonly temporary: TemporaryCardsService) {}

  @Get(':id')
  @WorkerOnly()
  @ApiOperation({ summary: 'The sealed content and state of an active temporary card, for its host' })
  hosted(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<HostedTemporaryCard> {
    return this.temporary.hosted(id, hostOf(p), actor);
  }

  @Get(':id/status')
  @WorkerOnly()
  @ApiOperation({ summary: 'Still to be served? (refused once revoked or expired)' })
  status(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor) {
    return this.temporary.status(id, hostOf(p), actor);
  }

  @Post(':id/seal-mac')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The seal MAC (KEK in the HSM) over a sealed version of this temporary card' })
  sealMac(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SealMacDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor) {
    return this.temporary.sealMac(id, hostOf(p), Buffer.from(dto.data, 'base64'), actor);
  }

  @Post(':id/cardholder-key')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The cardholder path’s HSM half for one VERIFY; wrong PINs are counted here' })
  cardholderKey(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CardholderKeyDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.temporary.cardholderKey(
      id,
      hostOf(p),
      { context: Buffer.from(dto.context, 'base64'), kdfOutput: Buffer.from(dto.kdfOutput, 'base64') },
      actor,
    );
  }
}
