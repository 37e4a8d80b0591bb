import { Module } from '@nestjs/common';
import { ArchiveModule } from '../../archive/archive.module';
import { VscEscrowModule } from '../../issuance/vsc-escrow/vsc-escrow.module';
import { ProfilesModule } from '../../issuance/profiles/profiles.module';
import { CaModule } from '../../pki/ca.module';
import { DerivedVscIssuer } from './derived-vsc-issuer';
import { EscrowSource } from './escrow-source';
import { HELPDESK_CARD_REPOSITORY } from './help-desk-card.repository';
import { PgHelpdeskCardRepository } from './pg-help-desk-card.repository';
import { StandInProfile } from './stand-in-profile';

/** What the help desk's flows share: the card view, reading escrow back, issuing VSCs derived from it and the profile they follow. */
@Module({
  imports: [CaModule, VscEscrowModule, ArchiveModule, ProfilesModule],
  providers: [{ provide: HELPDESK_CARD_REPOSITORY, useClass: PgHelpdeskCardRepository }, EscrowSource, DerivedVscIssuer, StandInProfile],
  exports: [HELPDESK_CARD_REPOSITORY, EscrowSource, DerivedVscIssuer, StandInProfile],
})
export class HelpdeskSharedModule {}
