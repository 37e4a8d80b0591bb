import { testActor } from '../../../platform/testing/test-unit-of-work';
import { approvalOf, HelpdeskWorld } from '../../testing/help-desk-world';
import { TEMPORARY_CARD_KIND, type TemporaryCardSubject } from '../temporary-card-approval';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { MakeTemporaryCard } from './make-temporary-card.service';

const REQUESTER = '00000000-0000-4000-8000-0000000000b1';

async function setup(state = 'lost', opts: { request?: boolean; pinTries?: number } = {}) {
  const w = new HelpdeskWorld();
  if (opts.pinTries) {
    const def = (await w.profiles.getDefault())!;
    w.profiles.seed({ ...def, definition: { ...def.definition, pin: { ...def.definition.pin, tries: opts.pinTries } } });
  }
  const make = new MakeTemporaryCard(
    w.escrowSource,
    w.escrow,
    w.issuer.asService(),
    w.standInProfile,
    w.helpdeskCards,
    w.temporary,
    w.workers,
    w.cfg,
  );
  const { cardId, holderId, vscId } = await w.card(state, { request: opts.request });
  const subject: TemporaryCardSubject = {
    cardId,
    serial: w.cards.rows.get(cardId)!.serial,
    cardholderId: holderId,
    sourceVscId: vscId!,
    sourceVersion: 1,
    hostWorkerId: w.host(),
    days: 5,
    from: 'escrow',
  };
  const approval = approvalOf({
    kind: TEMPORARY_CARD_KIND,
    subject,
    approverRole: 'security-officer',
    requiredApprovals: 2,
    requestedBy: REQUESTER,
  });
  const approve = () => w.uow.run(testActor('00000000-0000-4000-8000-0000000000b2'), (tx) => make.execute(tx, approval));
  return { w, subject, approval, approve };
}

describe('MakeTemporaryCard (the approval executor)', () => {
  it('makes the temporary VSC from the escrow: sealed, escrowed, derived from the source, issued to its host', async () => {
    const { w, subject, approval, approve } = await setup();
    await approve();
    const [t] = [...w.temporary.rows.values()];
    expect(t).toMatchObject({
      cardholderId: subject.cardholderId,
      cardId: subject.cardId,
      sourceVscId: subject.sourceVscId,
      sourceVersion: 1,
      hostWorkerId: subject.hostWorkerId,
      approvalId: approval.id,
      state: 'issued',
      pinTries: 3,
      pinRemaining: 3,
      requestedBy: `user:${REQUESTER}`,
      expiresAt: new Date(w.now.getTime() + 5 * 86_400_000),
    });
    expect(w.vscs.vscs.get(t.id)).toMatchObject({ kind: 'temporary', parentId: subject.sourceVscId, cardholderId: subject.cardholderId });
    expect(w.vscs.stored.find((v) => v.vscId === t.id)?.escrowedAt).toEqual(w.now);
    // The plan the CA side got: a temporary card for this cardholder, certificates referencing it, authorised by the approval.
    expect(w.issuer.plans).toEqual([
      expect.objectContaining({ mode: 'temporary', kind: 'temporary', reference: { temporaryCardId: t.id }, authorisation: approval.id }),
    ]);
    // Its content opens through the recovery path and holds what was made for it.
    const opened = await w.escrow.openForRecovery(t.id, { escrowedOnly: true });
    expect(opened.hasPrivateKey(0x9c)).toBe(true);
    opened.close();
    expect(w.uow.events.map((e) => e.action)).toEqual(['vsc.version-sealed', 'vsc.escrowed', 'temporary-card.created']);
    expect(w.uow.events.at(-1)).toMatchObject({
      targetType: 'vsc',
      targetId: t.id,
      outcome: 'success',
      details: {
        cardId: subject.cardId,
        approvalId: approval.id,
        hostWorkerId: subject.hostWorkerId,
        source: { vscId: subject.sourceVscId, version: 1, from: 'escrow' },
        certificates: { '9c': 'c0ffee01' },
        recovered: [{ from: '9d', to: '9d', serial: '9d0001' }],
      },
    });
  });

  it('makes it for a card rebuilt from the archive (no issuance request) with the default profile', async () => {
    const { w, approve } = await setup('lost', { request: false, pinTries: 5 });
    await approve();
    const [t] = [...w.temporary.rows.values()];
    expect(t).toMatchObject({ state: 'issued', pinTries: 5, pinRemaining: 5 });
    const def = (await w.profiles.getDefault())!.definition;
    expect(w.issuer.plans).toEqual([expect.objectContaining({ mode: 'temporary', profile: def })]);
    // Without a request and a default profile there is nothing to make it with.
    const none = await setup('lost', { request: false });
    none.w.profiles.rows.clear();
    await expect(none.approve()).rejects.toMatchObject({ code: E.WrongState });
    expect(none.w.temporary.rows.size).toBe(0);
  });

  it('refuses when the card is no longer reported, the cardholder got another temporary card, or the host lost its approval', async () => {
    const found = await setup();
    found.w.cards.rows.set(found.subject.cardId, { ...found.w.cards.rows.get(found.subject.cardId)!, state: 'active' });
    await expect(found.approve()).rejects.toMatchObject({ code: E.WrongState });

    const second = await setup();
    second.w.temporary.seed({ id: '00000000-0000-4000-8000-0000000000e1', state: 'active', cardholderId: second.subject.cardholderId });
    await expect(second.approve()).rejects.toMatchObject({ code: E.Exists });

    const host = await setup();
    host.w.workers.seed({ id: host.subject.hostWorkerId, status: 'revoked' });
    await expect(host.approve()).rejects.toMatchObject({ code: E.Invalid });
    for (const s of [found, second, host]) expect(s.w.uow.committed).toEqual([]);
  });

  it('opens the source through the escrow service: a damaged escrow copy raises the integrity alarm and makes nothing', async () => {
    const { w, subject, approve } = await setup();
    w.tamper(subject.sourceVscId, 1);
    await expect(approve()).rejects.toMatchObject({ code: 'vsc-escrow.integrity-alarm' });
    expect(w.temporary.rows.size).toBe(0);
    expect(w.uow.events.map((e) => e.action)).toEqual(['vsc.integrity-alarm']);
  });
});
