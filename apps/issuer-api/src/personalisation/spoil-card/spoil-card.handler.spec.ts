import { testActor } from '../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../personalisation-errors';
import { claimedRequest, personalisationWorld, REQUEST, SERIAL } from '../testing/personalisation-world';
import { CardReleaseService } from './card-release.service';
import { RegenerateEscrowService } from './regenerate-escrow.service';
import { SpoilCardCommand } from './spoil-card.command';
import { SpoilCardHandler } from './spoil-card.handler';

function setup() {
  const w = personalisationWorld();
  const r = w.repos;
  const release = new CardReleaseService(r.requests, r.attempts, r.vscs, new RegenerateEscrowService(w.escrow, w.certificates));
  const handler = new SpoilCardHandler(w.uow, w.states, w.lifecycle, r.cards, r.attempts, w.outcomes, release, w.cfg);
  const spoil = (serial = SERIAL) => handler.execute(new SpoilCardCommand(serial, 'pulled out and bent', testActor()));
  return { w, spoil };
}

describe('SpoilCardHandler', () => {
  it('spoils an abandoned card: the request lets go of it, gets new escrowed keys and waits in the pool of card jobs again', async () => {
    const { w, spoil } = setup();
    const { card, vscId } = await claimedRequest(w);
    const old = w.repos.issued.rows.map((c) => c.serial);
    w.clock.advance(61_000);
    const view = await spoil();
    expect(view).toEqual({ cardId: card.id, serial: SERIAL, requestId: REQUEST, vscVersion: 2, revokedCertificates: old, job: 'waiting' });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('spoiled');
    expect(w.repos.requests.rows.get(REQUEST)).toMatchObject({ state: 'awaiting-card', cardId: null, workerId: null });
    expect(w.repos.attempts.rows.has(REQUEST)).toBe(false);
    expect(w.repos.vscs.vscs.get(vscId)).toMatchObject({ currentVersion: 2 });
    expect(w.repos.vscs.vscs.get(vscId)!.state.binding).toBeUndefined();
    expect(w.statuses.applied.map((a) => [a.serial, a.change])).toEqual(old.map((s) => [s, { action: 'revoke', reason: 'superseded' }]));
    expect(w.ca.issued.map((c) => c.reference?.slot)).toEqual(['9d', '9e']);
    expect(w.uow.events.map((e) => e.action)).toEqual([
      'issuance-request.awaiting-card',
      'card.spoiled',
      'vsc.unbound',
      'vsc.version-sealed',
      'vsc.escrowed',
      'personalisation.card-released',
    ]);
    expect(w.uow.events.at(-1)?.details).toEqual({ serial: SERIAL, cardId: card.id, vscVersion: 2, revoked: old });
  });

  it('spoils a card whose request ended failed-card (the officer decided): the request takes another card', async () => {
    const { w, spoil } = setup();
    const { card } = await claimedRequest(w);
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'failed-card' });
    // No stall wait: a failed-card request has no attempt running.
    const view = await spoil();
    expect(view).toMatchObject({ cardId: card.id, requestId: REQUEST, vscVersion: 2, job: 'waiting' });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('spoiled');
    expect(w.repos.requests.rows.get(REQUEST)).toMatchObject({ state: 'awaiting-card', cardId: null, workerId: null });
    expect(w.uow.events[0]).toMatchObject({ action: 'issuance-request.awaiting-card' });
  });

  it('refuses a card still being written to, an issued card and an unknown one (audited), changing nothing', async () => {
    const { w, spoil } = setup();
    const { card } = await claimedRequest(w);
    await expect(spoil()).rejects.toMatchObject({ code: PersonalisationErrorCode.CardInUse });
    w.repos.cards.rows.set(card.id, { ...card, state: 'issued' });
    await expect(spoil()).rejects.toMatchObject({ code: PersonalisationErrorCode.WrongCardState });
    await expect(spoil('404')).rejects.toMatchObject({ code: PersonalisationErrorCode.NotFound });
    expect(w.uow.events.map((e) => [e.action, e.outcome, e.targetId, e.details?.reason])).toEqual([
      ['card.spoiled', 'denied', SERIAL, PersonalisationErrorCode.CardInUse],
      ['card.spoiled', 'denied', SERIAL, PersonalisationErrorCode.WrongCardState],
      ['card.spoiled', 'denied', '404', PersonalisationErrorCode.NotFound],
    ]);
    expect(w.repos.requests.rows.get(REQUEST)!.state).toBe('personalising');
  });
});
