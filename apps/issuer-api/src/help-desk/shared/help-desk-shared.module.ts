import { Module } from '@nestjs/common';
import { ArchiveModule } from '../../archive/archive.module';
import { VscEscrowModule } from '../../issuance/vsc-escrow/vsc-escrow.module';
import { CaModule } from '../../pki/ca.module';
import { DerivedVscIssuer } from './derived-vsc-issuer';
import { EscrowSource } from './escrow-source';
import { HELPDESK_CARD_REPOSITORY } from './help-desk-card.repository';
import { PgHelpdeskCardRepository } from './pg-help-desk-card.repository';

/** What the help desk's flows share: the card view, reading escrow back, and issuing VSCs derived from it. */
@Module({
  imports: [CaModule, VscEscrowModule, ArchiveModule],
  providers: [{ provide: HELPDESK_CARD_REPOSITORY, useClass: PgHelpdeskCardRepository }, EscrowSource, DerivedVscIssuer],
  exports: [HELPDESK_CARD_REPOSITORY, EscrowSource, DerivedVscIssuer],
})
export class HelpdeskSharedModule {}
