import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IssuanceError, IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { CertifyOnCardKeyCommand, CertifyOnCardKeysCommand, type OnCardCertificate } from './certify-on-card-key.command';
import { type AttestationDto, PublicKeyDto, PublicKeysDto } from './certify-on-card-key.dto';

const attestationOf = (a?: AttestationDto) =>
  a ? { certificate: Buffer.from(a.certificate, 'base64'), intermediate: Buffer.from(a.intermediate, 'base64') } : undefined;

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
    const attestation = attestationOf(dto.attestation);
    return this.commands.execute(new CertifyOnCardKeyCommand(id, slot, Buffer.from(dto.publicKey, 'base64'), p.id, actor, attestation));
  }

  @Post(':id/certificates')
  @WorkerOnly()
  @ApiOperation({ summary: 'Certify every public key the card generated, in one transaction (one new VSC version)' })
  certifyAll(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PublicKeysDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<OnCardCertificate[]> {
    const keys = dto.keys.map((k) => {
      const attestation = attestationOf(k.attestation);
      return { slot: k.slot, publicKey: Buffer.from(k.publicKey, 'base64'), ...(attestation ? { attestation } : {}) };
    });
    return this.commands.execute(new CertifyOnCardKeysCommand(id, keys, p.id, actor));
  }
}
