import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBase64, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { Public, Roles } from '../auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../auth/principal';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { WorkerChannel } from './worker-channel';
import { WorkerError } from './worker-errors';
import { type WorkerView, WorkersService } from './workers.service';

export class RegisterWorkerDto {
  @ApiProperty() @IsString() @Length(16, 100) enrollmentToken!: string;
  @ApiProperty({ example: 'frontdesk-1 ws0' }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty() @IsString() @Length(1, 200) host!: string;
  @ApiProperty() @IsInt() @Min(0) @Max(999) workstation!: number;
  @ApiProperty({ description: 'Ed25519 SubjectPublicKeyInfo, DER, base64' }) @IsBase64() @Length(20, 200) signPublicKey!: string;
  @ApiProperty({ description: 'X25519 SubjectPublicKeyInfo, DER, base64' }) @IsBase64() @Length(20, 200) kexPublicKey!: string;
}

export class ChallengeDto {
  @ApiProperty() @IsUUID() workerId!: string;
}

export class WorkerLoginDto {
  @ApiProperty() @IsUUID() workerId!: string;
  @ApiProperty() @Matches(/^[0-9a-f]{64}$/) nonce!: string;
  @ApiProperty({ description: 'Ed25519 signature of scm-worker-auth-v1|<workerId>|<nonce>, base64' })
  @IsBase64()
  @Length(80, 100)
  signature!: string;
}

export class ApproveWorkerDto {
  @ApiProperty({ description: 'The fingerprint shown by the worker, as the officer read it there' })
  @Matches(/^[0-9A-Fa-f-]{64,79}$/)
  fingerprint!: string;
}

export class EnrollmentTokenDto {
  @ApiPropertyOptional({ description: 'Bind the token to one workstation' }) @IsOptional() @IsInt() @Min(0) @Max(999) workstation?: number;
  @ApiPropertyOptional({ description: 'Validity in hours (default 24)' }) @IsOptional() @IsInt() @Min(1) @Max(24 * 30) ttlHours?: number;
}

@ApiTags('workers')
@Controller('api/v1/workers')
export class WorkersController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly workers: WorkersService,
    private readonly channel: WorkerChannel,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  private run<T>(actor: Actor, fn: (tx: Tx) => Promise<T | WorkerError>): Promise<T> {
    return this.uow.run(actor, async (tx) => {
      const r = await fn(tx);
      return r instanceof WorkerError ? tx.refuse(r) : r;
    });
  }

  @Post('register')
  @Public()
  @ApiOperation({ summary: 'A card worker registers its keys with a one-time enrolment token; it then waits for approval' })
  register(@Body() dto: RegisterWorkerDto, @CurrentActor() actor: Actor): Promise<WorkerView> {
    return this.run(actor, (tx) => this.workers.register(tx, dto));
  }

  @Post('challenge')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'A nonce for the worker to sign (valid 60 s, once)' })
  challenge(@Body() dto: ChallengeDto, @CurrentActor() actor: Actor): Promise<{ nonce: string }> {
    return this.run(actor, (tx) => this.workers.challenge(tx, dto.workerId));
  }

  @Post('session')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a signed challenge for a worker session (approved workers only)' })
  session(@Body() dto: WorkerLoginDto, @CurrentActor() actor: Actor) {
    return this.run(actor, (tx) => this.workers.logIn(tx, dto, { address: actor.address }));
  }

  @Get()
  @Roles('security-officer', 'admin', 'auditor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Registered card workers, their fingerprints, status and whether they are connected' })
  async list(): Promise<WorkerView[]> {
    const online = this.channel.connected();
    return (await this.workers.list({ em: this.ds.manager })).map((w) => ({ ...w, online: online.has(w.id) }));
  }

  @Post(':id/approve')
  @Roles('security-officer')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a worker after comparing its fingerprint with the one its console shows' })
  approve(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ApproveWorkerDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(actor, (tx) => this.workers.decide(tx, id, 'approve', p.id, dto.fingerprint));
  }

  @Post(':id/revoke')
  @Roles('security-officer')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a worker: its sessions end and its channel closes' })
  async revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor) {
    const w = await this.run(actor, (tx) => this.workers.decide(tx, id, 'revoke', p.id));
    this.channel.disconnect(id, 'revoked');
    return w;
  }

  @Post('enrollment-tokens')
  @Roles('security-officer', 'admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A one-time enrolment token for a new worker (shown once)' })
  async token(@Body() dto: EnrollmentTokenDto, @CurrentActor() actor: Actor): Promise<{ token: string; expiresAt: string }> {
    const t = await this.uow.run(actor, (tx) => this.workers.createEnrollmentToken(tx, dto.workstation ?? null, actor.actor, dto.ttlHours));
    return { token: t.token, expiresAt: t.expiresAt.toISOString() };
  }
}
