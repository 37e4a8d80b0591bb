import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { WorkerOnly } from '../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../trust/auth/principal';
import type { WrappedKeyMaterial } from '@scm/personalisation';
import { type ActivationView, ActivationService } from './activation/activation.service';
import { ClaimCardCommand, type ClaimView } from './claim-card/claim-card.command';
import { EndAttemptService } from './end-attempt/end-attempt.service';
import { type CryptogramsView, ManagementKeyService } from './management-key/management-key.service';
import { StepReportsService } from './report-step/step-reports.service';
import { type VerificationChallenge, VerificationService } from './verify-card/verification.service';

const SERIAL = /^[0-9A-Za-z_-]{1,64}$/;

export class ClaimDto {
  @ApiProperty() @IsUUID() requestId!: string;
  @ApiProperty({ description: "the card's serial (Yubico GET SERIAL, decimal)" }) @Matches(SERIAL) serial!: string;
  @ApiProperty({ description: 'ATR, hex' }) @Matches(/^([0-9A-Fa-f]{2}){2,33}$/) atr!: string;
  @ApiPropertyOptional({ description: "the GUID of the card's CHUID, if it has one" }) @IsOptional() @IsUUID() guid?: string;
}

export class WitnessDto {
  @ApiProperty({ description: "the card's encrypted witness (GENERAL AUTHENTICATE 9B, tag 80), base64" })
  @IsBase64()
  @Length(8, 48)
  encryptedWitness!: string;
}

export class StepDto {
  @ApiProperty() @IsInt() @Min(1) attempt!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 40) step?: string;
  @ApiPropertyOptional() @IsOptional() @IsIn(['started', 'done', 'skipped', 'failed']) outcome?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() details?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'the plan of the attempt (every step), instead of one step' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  steps?: string[];
}

export class SignatureDto {
  @ApiProperty() @Matches(/^[0-9a-fA-F]{2}$/) slot!: string;
  @ApiProperty() @IsBase64() @Length(8, 2000) signature!: string;
}

export class KeyManagementAnswerDto {
  @ApiProperty() @Matches(/^[0-9a-fA-F]{2}$/) slot!: string;
  @ApiProperty() @IsBase64() @Length(4, 2000) answer!: string;
}

export class ProofsDto {
  @ApiProperty({ type: [SignatureDto] })
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => SignatureDto)
  signatures!: SignatureDto[];
  @ApiPropertyOptional({ type: KeyManagementAnswerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KeyManagementAnswerDto)
  keyManagement?: KeyManagementAnswerDto;
}

export class ReasonDto {
  @ApiProperty() @IsString() @Length(1, 300) reason!: string;
}

export class ActivationOutcomeDto {
  @ApiProperty() @IsBoolean() ok!: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) reason?: string;
}

const worker = (p: Principal) => {
  if (p.kind !== 'worker') throw new Error('a worker route reached by a user');
  return { id: p.id, workstation: p.workstation };
};

/**
 * What an approved card worker calls while it personalises or activates a card (WorkerOnly). The
 * objects, certificates and escrowed keys come from the issuance routes
 * (/api/v1/worker/issuance-requests/:id/personalisation and …/slots/:slot/certificate).
 */
@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class WorkerPersonalisationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly keys: ManagementKeyService,
    private readonly steps: StepReportsService,
    private readonly verification: VerificationService,
    private readonly end: EndAttemptService,
    private readonly activations: ActivationService,
  ) {}

  @Post('personalisation/claims')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim the card in a reader for a request (or resume on the card bound to it)' })
  claim(@Body() dto: ClaimDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ClaimView> {
    return this.commands.execute(
      new ClaimCardCommand(dto.requestId, worker(p).id, { serial: dto.serial, atr: dto.atr.toUpperCase(), guid: dto.guid }, actor),
    );
  }

  @Get('personalisation/cards/:serial')
  @WorkerOnly()
  @ApiOperation({ summary: 'The request that waits for this card (a card put back after it was pulled out)' })
  bound(@Param('serial') serial: string): Promise<{ requestId: string; state: string }> {
    return this.end.boundRequest(SERIAL.test(serial) ? serial : '-');
  }

  @Post('personalisation/:id/management-key/cryptograms')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "Mutual authentication with the card's diversified management key: the HSM computes the cryptograms" })
  cryptograms(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: WitnessDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CryptogramsView> {
    return this.keys.cryptograms(id, worker(p).id, Buffer.from(dto.encryptedWitness, 'base64'), actor);
  }

  @Post('personalisation/:id/management-key/release')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The diversified management key, wrapped for this worker, for SET MANAGEMENT KEY' })
  releaseKey(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<WrappedKeyMaterial> {
    return this.keys.release(id, worker(p).id, actor);
  }

  @Post('personalisation/:id/management-key/confirm')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The card answered the HSM cryptograms of its new key: record that it holds it' })
  confirmKey(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor) {
    return this.keys.confirm(id, worker(p).id, actor);
  }

  @Post('personalisation/:id/steps')
  @WorkerOnly()
  @HttpCode(204)
  @ApiOperation({ summary: 'A step report, when the worker channel is down' })
  async step(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: StepDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.steps.record(worker(p).id, { ...dto, requestId: id, ...(dto.steps ? { plan: true } : {}) }, actor);
  }

  @Post('personalisation/:id/verification')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Start proving the keys on the card: a fresh nonce per slot and a key-management test' })
  verify(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<VerificationChallenge> {
    return this.verification.begin(id, worker(p).id, actor);
  }

  @Post('personalisation/:id/verification/proofs')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "The card's signatures (and decryption): checked against the certificates; the card is issued" })
  prove(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ProofsDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor) {
    return this.verification.prove(id, worker(p).id, { signatures: dto.signatures, keyManagement: dto.keyManagement }, actor);
  }

  @Post('personalisation/:id/interrupted')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The card left the reader (or the reader failed) mid-way: the request waits for that card' })
  interrupted(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReasonDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.end.interrupted(id, worker(p).id, dto.reason, actor);
  }

  @Post('personalisation/:id/failed')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The card cannot carry the profile: the request fails with the reason, the card is spoiled' })
  failed(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReasonDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor) {
    return this.end.failed(id, worker(p).id, dto.reason, actor);
  }

  @Get('activations')
  @WorkerOnly()
  @ApiOperation({ summary: "The open activation of a card at this worker's workstation" })
  activation(@Query('serial') serial: string, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ActivationView> {
    return this.activations.forWorker(SERIAL.test(serial ?? '') ? serial : '-', worker(p), actor);
  }

  @Post('activations/:id/puk')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: "The card's PUK wrapped for this worker (open session at its workstation only)" })
  puk(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<WrappedKeyMaterial> {
    return this.activations.releasePuk(id, worker(p), actor);
  }

  @Post('activations/:id/complete')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'The PIN the cardholder typed is set on the card (or why not): the card becomes active' })
  complete(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ActivationOutcomeDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<ActivationView> {
    return this.activations.complete(id, worker(p), dto, actor);
  }
}
