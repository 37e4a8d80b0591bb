import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import type { CertificateView } from '../certificate-view';
import { ChangeCertificateStatusCommand } from './change-certificate-status.command';
import { CommentDto, RevokeDto } from './change-certificate-status.dto';

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('api/v1')
export class ChangeCertificateStatusController {
  constructor(private readonly commands: CommandBus) {}

  @Post('certificates/:serial/revoke')
  @Roles('security-officer', 'help-desk')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a certificate (final); the CRL is published again' })
  revoke(@Param('serial') serial: string, @Body() dto: RevokeDto, @CurrentActor() actor: Actor): Promise<CertificateView> {
    return this.commands.execute(new ChangeCertificateStatusCommand(serial, { action: 'revoke', reason: dto.reason }, actor, dto.comment));
  }

  @Post('certificates/:serial/hold')
  @Roles('security-officer', 'help-desk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put a certificate on hold (certificateHold on the CRL)' })
  hold(@Param('serial') serial: string, @Body() dto: CommentDto, @CurrentActor() actor: Actor): Promise<CertificateView> {
    return this.commands.execute(new ChangeCertificateStatusCommand(serial, { action: 'hold' }, actor, dto.comment));
  }

  @Post('certificates/:serial/release')
  @Fresh()
  @Roles('security-officer', 'help-desk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release a hold: the certificate is valid again and leaves the next CRL' })
  release(@Param('serial') serial: string, @Body() dto: CommentDto, @CurrentActor() actor: Actor): Promise<CertificateView> {
    return this.commands.execute(new ChangeCertificateStatusCommand(serial, { action: 'release' }, actor, dto.comment));
  }
}
