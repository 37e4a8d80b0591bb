import { Module } from '@nestjs/common';
import { PgVscRepository } from './pg-vsc.repository';
import { ShowVscController } from './show-vsc/show-vsc.controller';
import { ShowVscHandler } from './show-vsc/show-vsc.handler';
import { VscEscrowService } from './vsc-escrow.service';
import { VSC_REPOSITORY } from './vsc.repository';

/** Managed VSCs: sealed versions as escrow copies in PostgreSQL, and their state. */
@Module({
  controllers: [ShowVscController],
  providers: [{ provide: VSC_REPOSITORY, useClass: PgVscRepository }, VscEscrowService, ShowVscHandler],
  exports: [VSC_REPOSITORY, VscEscrowService],
})
export class VscEscrowModule {}
