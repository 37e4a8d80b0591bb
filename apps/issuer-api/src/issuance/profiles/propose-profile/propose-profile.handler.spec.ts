import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { ApprovalsService } from '../../../trust/approvals/approvals.service';
import { InMemoryApprovalRepository } from '../../../trust/approvals/in-memory-approval.repository';
import { DEFAULT_DEFINITION, InMemoryProfileRepository } from '../in-memory-profile.repository';
import { ProfileApprovals } from '../profile-approvals';
import { ProfileErrorCode } from '../profile-errors';
import { ProposeProfileCommand } from './propose-profile.command';
import { ProposeProfileHandler } from './propose-profile.handler';

const SECOND = '00000000-0000-4000-8000-0000000000b2';
const edited = { ...DEFAULT_DEFINITION, pin: { ...DEFAULT_DEFINITION.pin, tries: 5 }, cardCapabilities: ['import-key'] };

describe('ProposeProfileHandler', () => {
  const setup = () => {
    const profiles = new InMemoryProfileRepository();
    profiles.seed({ id: 'default', isDefault: true });
    const uow = new TestUnitOfWork();
    const approvalRepo = new InMemoryApprovalRepository();
    const approvals = new ApprovalsService(approvalRepo, { SCM_APPROVAL_TTL_HOURS: 24 });
    const profileApprovals = new ProfileApprovals(approvals, profiles);
    profileApprovals.register();
    const approve = (id: string) =>
      uow.run(testActor(SECOND), (tx) =>
        approvals.decide(
          tx,
          id,
          { id: SECOND, roles: ['security-officer'] },
          'approve',
          approvalRepo.requests.get(id)!.subjectHash.toString('hex'),
        ),
      );
    return { profiles, uow, approvalRepo, approve, handler: new ProposeProfileHandler(uow, profileApprovals, profiles) };
  };

  it('an edit is a proposal; the approval makes the next version and keeps it', async () => {
    const { profiles, uow, approvalRepo, approve, handler } = setup();
    const p = await handler.execute(new ProposeProfileCommand('default', 'five PIN tries', edited, 1, testActor()));
    expect(p).toMatchObject({ profileId: 'default', version: 2, kind: 'card-profile-change' });
    expect(approvalRepo.requests.get(p.id)!.subject).toMatchObject({ profileId: 'default', basedOn: 1, version: 2 });
    expect(profiles.rows.get('default')).toMatchObject({ version: 1 });
    await approve(p.id);
    expect(profiles.rows.get('default')).toMatchObject({ version: 2, description: 'five PIN tries', definition: edited });
    expect(profiles.history).toEqual([expect.objectContaining({ profileId: 'default', version: 2, approvedBy: `user:${SECOND}` })]);
    expect(uow.events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'approval.requested:success',
      'profile.change-proposed:success',
      'approval.approve:success',
      'profile.version-approved:success',
      'approval.executed:success',
    ]);
  });

  it('refuses (audited) an invalid profile naming every problem, a stale base, a definition that does not declare its card capabilities, a bad id', async () => {
    const { uow, handler } = setup();
    const bad = { ...edited, validityDays: 0, extra: true, cardCapabilities: [] };
    await expect(handler.execute(new ProposeProfileCommand('default', 'x', bad, 1, testActor()))).rejects.toMatchObject({
      code: ProfileErrorCode.InvalidProposal,
      meta: {
        problems: [
          'validityDays: 1..3650',
          'cardCapabilities: slots 9d (escrow), 9e (regenerate) are generated off the card and imported into it, so the profile needs import-key',
          'extra: not a profile field (slots, pin, puk, managementKey, validityDays, cardCapabilities)',
        ],
      },
    });
    await expect(handler.execute(new ProposeProfileCommand('default', 'x', edited, 3, testActor()))).rejects.toMatchObject({
      code: ProfileErrorCode.Stale,
    });
    await expect(
      handler.execute(new ProposeProfileCommand('default', 'the default profile', { ...DEFAULT_DEFINITION }, undefined, testActor())),
    ).rejects.toMatchObject({
      code: ProfileErrorCode.InvalidProposal,
      message: expect.stringContaining('cardCapabilities: say what cards'),
    });
    await expect(handler.execute(new ProposeProfileCommand('Bad Id', 'x', edited, undefined, testActor()))).rejects.toMatchObject({
      code: ProfileErrorCode.InvalidProposal,
    });
    expect(uow.events.every((e) => e.outcome === 'denied' && e.action === 'profile.change-proposed')).toBe(true);
    expect(uow.events).toHaveLength(4);
  });

  it('a new profile starts at version 1; proposing it again unchanged is refused', async () => {
    const { profiles, approve, handler } = setup();
    const p = await handler.execute(new ProposeProfileCommand('kiosk', 'kiosk cards', edited, undefined, testActor()));
    expect(p.version).toBe(1);
    await approve(p.id);
    expect(profiles.rows.get('kiosk')).toMatchObject({ version: 1, isDefault: false });
    await expect(handler.execute(new ProposeProfileCommand('kiosk', 'kiosk cards', edited, 1, testActor()))).rejects.toMatchObject({
      code: ProfileErrorCode.Unchanged,
    });
  });
});
