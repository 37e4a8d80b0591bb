import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import { ImportCardholdersCommand, type ImportResult } from './import-cardholders.command';
import { ImportCardholdersDto } from './import-cardholders.dto';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class ImportCardholdersController {
  constructor(private readonly commands: CommandBus) {}

  @Post('import')
  @Roles('security-officer')
  @ApiOperation({ summary: 'Register many cardholders: all of them, or none and a problem naming every bad entry (errors[].index)' })
  import(@Body() dto: ImportCardholdersDto, @CurrentActor() actor: Actor): Promise<ImportResult> {
    return this.commands.execute(new ImportCardholdersCommand(dto.cardholders, actor));
  }
}
