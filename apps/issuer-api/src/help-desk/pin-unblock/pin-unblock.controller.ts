import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { CARD_REF } from '../card-reports/card-reports.controller';
import { type PinUnblockView, PinUnblockService } from './pin-unblock.service';

export class StartUnblockDto {
  @ApiProperty({ description: "the card's serial (or id)" }) @Matches(CARD_REF) card!: string;
  @ApiProperty({ description: 'the workstation where the cardholder types the new PIN' }) @IsInt() @Min(0) @Max(999) workstation!: number;
  @ApiProperty({ description: 'how the identity was checked (audited)' }) @IsString() @Length(1, 200) identityCheck!: string;
}

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/pin-unblocks')
export class PinUnblockController {
  constructor(private readonly unblocks: PinUnblockService) {}

  @Post()
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @ApiOperation({
    summary:
      'After an identity check, let the cardholder choose a new PIN at a workstation; its worker sets it with the escrowed PUK (never shown)',
  })
  start(@Body() dto: StartUnblockDto, @CurrentActor() actor: Actor): Promise<PinUnblockView> {
    return this.unblocks.start({ card: dto.card, workstation: dto.workstation, identityCheck: dto.identityCheck }, actor);
  }
}
