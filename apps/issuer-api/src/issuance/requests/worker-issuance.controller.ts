import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBase64, Length } from 'class-validator';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { CertifyOnCardKeyCommand, type OnCardCertificate } from './certify-on-card-key/certify-on-card-key.command';
import { IssuanceError, IssuanceErrorCode } from './issuance-errors';
import { type PersonalisationPackage, ReleaseKeyMaterialCommand } from './release-key-material/release-key-material.command';

export class PublicKeyDto {
  @ApiProperty({ description: 'the SubjectPublicKeyInfo the card generated, DER, base64' })
  @IsBase64()
  @Length(40, 2000)
  publicKey!: string;
}

const SLOT = /^(9a|9c|9d|9e)$/i;

/** What the worker that claimed a request's card may ask for while it personalises it. */
@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/issuance-requests')
export class WorkerIssuanceController {
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

  @Post(':id/slots/:slot/certificate')
  @WorkerOnly()
  @ApiOperation({ summary: 'Certify the public key the card generated in an on-card slot' })
  certify(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('slot') slot: string,
    @Body() dto: PublicKeyDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<OnCardCertificate> {
    if (!SLOT.test(slot))
      throw new IssuanceError(IssuanceErrorCode.WrongSlot, `"${slot}" is not a key slot a profile defines (9a, 9c, 9d, 9e)`);
    return this.commands.execute(new CertifyOnCardKeyCommand(id, slot, Buffer.from(dto.publicKey, 'base64'), p.id, actor));
  }
}
