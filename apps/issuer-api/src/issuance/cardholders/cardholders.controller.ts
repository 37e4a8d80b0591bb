import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import type { CardholderView } from './cardholder';
import { CardholderError, CardholderErrorCode } from './cardholder-errors';
import { CreateCardholderCommand } from './create-cardholder/create-cardholder.command';
import { ImportCardholdersCommand } from './import-cardholders/import-cardholders.command';
import { ListCardholdersQuery } from './list-cardholders/list-cardholders.query';

export class CardholderDto {
  @ApiProperty({ example: 'Alice Martin' }) @IsString() @Length(0, 300) name!: string;
  @ApiPropertyOptional({ example: 'alice.martin@example.org' }) @IsOptional() @IsString() @Length(0, 320) email?: string;
  @ApiPropertyOptional({ example: 'amartin@corp.example.org', description: 'user principal name (9A certificate, logon)' })
  @IsOptional()
  @IsString()
  @Length(0, 320)
  upn?: string;
  @ApiPropertyOptional({ type: [String], description: 'organisation ids (employee number, department…)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  orgIds?: string[];
}

export class ImportCardholdersDto {
  @ApiProperty({ type: [CardholderDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CardholderDto)
  cardholders!: CardholderDto[];
}

export class SearchDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) q?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class CardholdersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('security-officer')
  @ApiOperation({ summary: 'Register a cardholder' })
  create(@Body() dto: CardholderDto, @CurrentActor() actor: Actor): Promise<CardholderView> {
    return this.commands.execute(new CreateCardholderCommand(dto, actor));
  }

  @Post('import')
  @Roles('security-officer')
  @ApiOperation({ summary: 'Register many cardholders: all of them, or none and a problem naming every bad entry (errors[].index)' })
  import(@Body() dto: ImportCardholdersDto, @CurrentActor() actor: Actor): Promise<{ created: number; ids: string[] }> {
    return this.commands.execute(new ImportCardholdersCommand(dto.cardholders, actor));
  }

  @Get()
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Cardholders, optionally matching ?q= (name, e-mail, UPN, organisation id)' })
  list(@Query() q: SearchDto): Promise<CardholderView[]> {
    return this.queries.execute(new ListCardholdersQuery({ search: q.q, limit: q.limit, offset: q.offset }));
  }

  @Get(':id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'One cardholder' })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<CardholderView> {
    const [c] = (await this.queries.execute(new ListCardholdersQuery({ id }))) as CardholderView[];
    if (!c) throw new CardholderError(CardholderErrorCode.NotFound, `no cardholder ${id}`);
    return c;
  }
}
