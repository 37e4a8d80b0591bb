import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DEFAULT_KDF, parseVscFile } from '@scm/vsc';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import { StandInProfile } from '../../shared/stand-in-profile';
import { escrowedContent } from '../escrowed-content';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { notFound } from '../temporary-card-rules';
import { type ActivationParameters, ShowActivationParametersQuery } from './show-activation-parameters.query';

/** The PIN rules come from the profile the temporary card was made with (StandInProfile; 6 to 8 characters when there is none). */
@QueryHandler(ShowActivationParametersQuery)
export class ShowActivationParametersHandler implements IQueryHandler<ShowActivationParametersQuery, ActivationParameters> {
  constructor(
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    private readonly profiles: StandInProfile,
  ) {}

  async execute(q: ShowActivationParametersQuery): Promise<ActivationParameters> {
    const t = await this.temporary.get(q.id);
    const vsc = t && (await this.vscs.get(t.id));
    if (!t || !vsc) throw notFound(q.id);
    const card = t.cardId ? await this.cards.find(t.cardId) : undefined;
    const pin = card ? (await this.profiles.of(card))?.definition.pin : undefined;
    const content = await escrowedContent(this.vscs, t.id, vsc.currentVersion);
    return {
      id: t.id,
      kdf: parseVscFile(content).content.header.kdf ?? DEFAULT_KDF,
      pin: { minLength: pin?.minLength ?? 6, maxLength: pin?.maxLength ?? 8 },
      expiresAt: t.expiresAt.toISOString(),
      state: t.state,
    };
  }
}
