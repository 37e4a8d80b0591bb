import { Module } from '@nestjs/common';
import { ArchiveModule } from '../../archive/archive.module';
import { CaModule } from '../../pki/ca.module';
import { EscrowSource } from '../shared/escrow-source';
import { VscEscrowModule } from '../../issuance/vsc-escrow/vsc-escrow.module';
import { TemporaryCardsController } from './temporary-cards.controller';
import { TemporaryCardsService } from './temporary-cards.service';
import { WorkerTemporaryCardsController } from './worker-temporary-cards.controller';

/** Temporary cards from escrow, their activation, their host's HSM operations, revocation and expiry. */
@Module({
  imports: [CaModule, VscEscrowModule, ArchiveModule],
  controllers: [TemporaryCardsController, WorkerTemporaryCardsController],
  providers: [TemporaryCardsService, EscrowSource],
  exports: [TemporaryCardsService],
})
export class TemporaryCardsModule {}
