import { Module } from '@nestjs/common';
import { PinUnblockController } from './pin-unblock.controller';
import { PinUnblockService } from './pin-unblock.service';

/** PIN unblock sessions (carried out by the card workers' activation machinery). */
@Module({ controllers: [PinUnblockController], providers: [PinUnblockService] })
export class PinUnblockModule {}
