import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { StockError, StockErrorCode } from '../stock-errors';
import { type ImportedBatch, ImportStockBatchCommand } from './import-batch.command';
import { ImportStockBatchDto } from './import-batch.dto';

@ApiTags('stock')
@ApiBearerAuth()
@Controller('api/v1/stock/batches')
export class ImportStockBatchController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('security-officer')
  @Fresh()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a batch of blank cards (vendor manifest; transport keys wrapped into the HSM)' })
  import(@Body() dto: ImportStockBatchDto, @CurrentActor() actor: Actor): Promise<ImportedBatch> {
    if (dto.development) return this.commands.execute(new ImportStockBatchCommand({ development: true }, actor));
    if (!dto.name || !dto.algorithm || !dto.cards)
      throw new StockError(StockErrorCode.InvalidManifest, 'a manifest names the batch, its transport key algorithm and its cards');
    return this.commands.execute(
      new ImportStockBatchCommand(
        {
          name: dto.name,
          algorithm: dto.algorithm,
          cards: dto.cards,
          ...(dto.vendor ? { vendor: dto.vendor } : {}),
          ...(dto.attestationRoot ? { attestationRoot: dto.attestationRoot } : {}),
        },
        actor,
      ),
    );
  }
}
