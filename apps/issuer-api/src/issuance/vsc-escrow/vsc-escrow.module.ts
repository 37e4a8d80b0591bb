import { Module } from '@nestjs/common';
import { VscEscrowController } from './vsc-escrow.controller';
import { VscEscrowService } from './vsc-escrow.service';

/** Managed VSCs: sealed versions as escrow copies in PostgreSQL, and their state. */
@Module({ controllers: [VscEscrowController], providers: [VscEscrowService], exports: [VscEscrowService] })
export class VscEscrowModule {}
