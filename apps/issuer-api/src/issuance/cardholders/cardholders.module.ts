import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CardholdersController } from './cardholders.controller';
import { CreateCardholderHandler } from './create-cardholder/create-cardholder.handler';
import { ImportCardholdersHandler } from './import-cardholders/import-cardholders.handler';
import { ListCardholdersHandler } from './list-cardholders/list-cardholders.handler';

@Module({
  imports: [CqrsModule],
  controllers: [CardholdersController],
  providers: [CreateCardholderHandler, ImportCardholdersHandler, ListCardholdersHandler],
})
export class CardholdersModule {}
