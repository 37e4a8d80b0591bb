import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CardsModule } from '../../issuance/cards/cards.module';
import { PgPinUnblockRepository } from './pg-pin-unblock.repository';
import { PIN_UNBLOCK_REPOSITORY } from './pin-unblock.repository';
import { StartPinUnblockController } from './start-pin-unblock/start-pin-unblock.controller';
import { StartPinUnblockHandler } from './start-pin-unblock/start-pin-unblock.handler';

/** PIN unblock sessions (carried out by the card workers' activation machinery). */
@Module({
  imports: [CqrsModule, CardsModule],
  controllers: [StartPinUnblockController],
  providers: [{ provide: PIN_UNBLOCK_REPOSITORY, useClass: PgPinUnblockRepository }, StartPinUnblockHandler],
})
export class PinUnblockModule {}
