import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IssuanceError, IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { CertifyOnCardKeyCommand, type OnCardCertificate } from './certify-on-card-key.command';
import { PublicKeyDto } from './certify-on-card-key.dto';

const SLOT = /^(9a|9c|9d|9e)$/i;

/** What the worker that claimed a request's card submits for it: the public keys the card generated. */
@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker/issuance-requests')
export class CertifyOnCardKeyController {
  constructor(private readonly commands: CommandBus) {}

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
    const attestation = dto.attestation
      ? {
          certificate: Buffer.from(dto.attestation.certificate, 'base64'),
          intermediate: Buffer.from(dto.attestation.intermediate, 'base64'),
        }
      : undefined;
    return this.commands.execute(new CertifyOnCardKeyCommand(id, slot, Buffer.from(dto.publicKey, 'base64'), p.id, actor, attestation));
  }
}
