import { Module } from '@nestjs/common';
import { ArchiveModule } from '../../archive/archive.module';
import { CaModule } from '../../pki/ca.module';
import { CardsModule } from '../../issuance/cards/cards.module';
import { EscrowSource } from '../shared/escrow-source';
import { IssuanceModule } from '../../issuance/requests/issuance.module';
import { TemporaryCardsModule } from '../temporary-cards/temporary-cards.module';
import { VscEscrowModule } from '../../issuance/vsc-escrow/vsc-escrow.module';
import { ReissueController } from './reissue.controller';
import { ReissueService } from './reissue.service';

/** Reissue of a reported card from its escrow onto a new card (personalised by the card workers). */
@Module({
  imports: [CaModule, CardsModule, VscEscrowModule, ArchiveModule, IssuanceModule, TemporaryCardsModule],
  controllers: [ReissueController],
  providers: [ReissueService, EscrowSource],
})
export class ReissueModule {}
