import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { RevocationReason } from '@scm/ca';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Fresh, Roles } from '../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../trust/auth/principal';
import type { CertificateView } from './certificate-view';
import { ChangeCertificateStatusCommand } from './change-certificate-status/change-certificate-status.command';
import { ListCertificatesQuery } from './list-certificates/list-certificates.query';
import type { PublishedCrl } from './publish-crl/publish-crl.service';
import { PublishCrlService } from './publish-crl/publish-crl.service';

/** Reasons an officer may give (certificateHold is the hold route; removeFromCRL is the release route). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;

export class RevokeDto {
  @ApiProperty({ enum: REVOCATION_REASONS }) @IsIn(REVOCATION_REASONS as unknown as string[]) reason!: RevocationReason;
  @ApiPropertyOptional({ description: 'why, for the audit trail' }) @IsOptional() @IsString() @Length(0, 500) comment?: string;
}

export class CommentDto {
  @ApiPropertyOptional({ description: 'why, for the audit trail' }) @IsOptional() @IsString() @Length(0, 500) comment?: string;
}

export class ListCertificatesDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() requestId?: string;
  @ApiPropertyOptional({ enum: ['valid', 'on-hold', 'revoked'] }) @IsOptional() @IsIn(['valid', 'on-hold', 'revoked']) status?:
    'valid' | 'on-hold' | 'revoked';
}

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('api/v1')
export class CertificatesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly crls: PublishCrlService,
  ) {}

  @Get('certificates')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Certificates of the issuing CA (of one issuance request with ?requestId=)' })
  list(@Query() q: ListCertificatesDto): Promise<CertificateView[]> {
    return this.queries.execute(new ListCertificatesQuery({ requestId: q.requestId, status: q.status }));
  }

  @Get('certificates/:serial')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A certificate and its status' })
  async get(@Param('serial') serial: string): Promise<CertificateView> {
    const [c] = (await this.queries.execute(new ListCertificatesQuery({ serial }))) as CertificateView[];
    if (!c) throw new NotFoundException(`no certificate ${serial}`);
    return c;
  }

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
  @Roles('security-officer', 'help-desk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release a hold: the certificate is valid again and leaves the next CRL' })
  release(@Param('serial') serial: string, @Body() dto: CommentDto, @CurrentActor() actor: Actor): Promise<CertificateView> {
    return this.commands.execute(new ChangeCertificateStatusCommand(serial, { action: 'release' }, actor, dto.comment));
  }

  @Post('crls/:caId/publish')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign and publish a new CRL of a CA now' })
  async publish(@Param('caId') caId: string): Promise<PublishedCrl> {
    if (!(await this.crls.signs(caId))) throw new NotFoundException(`no CA "${caId}" whose key is in this HSM`);
    return (await this.crls.publish(caId))!;
  }
}
