import { DEFAULT_KDF } from '@scm/vsc';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { ShowActivationParametersHandler } from './show-activation-parameters.handler';
import { ShowActivationParametersQuery } from './show-activation-parameters.query';

describe('ShowActivationParametersHandler', () => {
  it('gives the KDF parameters of the escrowed VSC and the PIN rules of the card it stands in for', async () => {
    const w = new HelpdeskWorld();
    const t = await w.temporaryCard();
    const params = await new ShowActivationParametersHandler(w.temporary, w.vscs, w.helpdeskCards, w.standInProfile).execute(
      new ShowActivationParametersQuery(t.id),
    );
    expect(params).toEqual({
      id: t.id,
      kdf: DEFAULT_KDF,
      pin: { minLength: 6, maxLength: 8 },
      expiresAt: t.expiresAt.toISOString(),
      state: 'issued',
    });
  });

  it('refuses an unknown card, and a card whose current version is not escrowed', async () => {
    const w = new HelpdeskWorld();
    const show = new ShowActivationParametersHandler(w.temporary, w.vscs, w.helpdeskCards, w.standInProfile);
    await expect(show.execute(new ShowActivationParametersQuery('00000000-0000-4000-8000-000000000404'))).rejects.toMatchObject({
      code: E.NotFound,
    });
    const t = await w.temporaryCard();
    w.vscs.stored.find((v) => v.vscId === t.id)!.escrowedAt = null;
    await expect(show.execute(new ShowActivationParametersQuery(t.id))).rejects.toMatchObject({ code: E.NoEscrow });
  });
});
