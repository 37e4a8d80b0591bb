import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyAlgorithm, selfSignedCertificate } from '@scm/vsc';
import { testActor } from '../../../platform/testing/test-unit-of-work';
import { keyManagementSerials } from '../../shared/derived-vsc';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { KEY_RECOVERY_KIND } from '../key-recovery-approval';
import { KeyRecoveryErrorCode as E } from '../key-recovery-errors';
import { DeliverRecoveredKeysCommand } from './deliver-recovered-keys.command';
import { DeliverRecoveredKeysHandler } from './deliver-recovered-keys.handler';

const OFFICER = '00000000-0000-4000-8000-0000000000b1';
const PASSWORD = 'a recovery passphrase';

async function setup() {
  const w = new HelpdeskWorld();
  const { holderId, vscId: older } = await w.card('replaced');
  w.uow.testClock.advance(60_000);
  // The reissued card's escrow: a new 9D key and the earlier one in retired slot 82.
  const newer = await w.storedVsc({
    cardholderId: holderId,
    build: async (v) => {
      for (const slot of [0x9d, 0x82]) {
        await v.generateKey(slot, KeyAlgorithm.P256, { escrow: 'escrow' });
        v.putCertificate(await selfSignedCertificate(v, slot, `key ${slot.toString(16)}`), { slot });
      }
    },
  });
  w.vscs.vscs.set(newer, { ...w.vscs.vscs.get(newer)!, createdAt: w.now });
  const recovery = w.recoveries.seed({
    id: '00000000-0000-4000-8000-0000000000f1',
    cardholderId: holderId,
    requestedBy: OFFICER,
    createdAt: w.now,
  });
  // The approval names every key-management key of both VSCs, unless a test names fewer.
  const serials: string[] = [];
  for (const vscId of [newer, older!]) {
    const version = (await w.vscs.latestEscrowed(vscId))!;
    const vsc = await w.uow.run(testActor(), (tx) => w.escrowSource.loadPublic(tx, { vscId, version }));
    serials.push(...keyManagementSerials(vsc));
    vsc.close();
  }
  w.approvalRepo.seed({
    id: recovery.approvalId,
    kind: KEY_RECOVERY_KIND,
    subject: { cardholderId: holderId, serials },
    status: 'executed',
  });
  const handler = new DeliverRecoveredKeysHandler(w.uow, w.escrowSource, w.recoveries, w.vscs, { SCM_APPROVAL_TTL_HOURS: 24 }, w.approvals);
  const deliver = (who = OFFICER, password = PASSWORD) =>
    handler.execute(new DeliverRecoveredKeysCommand(recovery.id, password, { id: who }, testActor(who)));
  return { w, holderId, older: older!, newer, recovery, deliver, serials };
}

describe('DeliverRecoveredKeysHandler', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'scm-recovery-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers every escrowed key-management key of the cardholder once, newest VSC first, as a PKCS#12 under the password', async () => {
    const { w, holderId, older, newer, recovery, deliver } = await setup();
    const r = await deliver();
    expect(r.keys.map((k) => [k.vscId, k.slot])).toEqual([
      [newer, '9d'],
      [newer, '82'],
      [older, '9d'],
    ]);
    writeFileSync(join(dir, 'keys.p12'), Buffer.from(r.pkcs12, 'base64'));
    const out = execFileSync('openssl', ['pkcs12', '-in', 'keys.p12', '-passin', `pass:${PASSWORD}`, '-nodes'], { cwd: dir }).toString();
    expect(out.match(/BEGIN PRIVATE KEY/g)).toHaveLength(3);
    expect(out).toContain(`friendlyName: current key management ${r.keys[0].serial}`);
    expect(w.recoveries.rows.get(recovery.id)).toMatchObject({ state: 'delivered', deliveredAt: w.now, keys: r.keys });
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'key-recovery.delivered',
        targetId: holderId,
        outcome: 'success',
        details: { recoveryId: recovery.id, approvalId: recovery.approvalId, keys: r.keys, format: 'pkcs12' },
      }),
    ]);
    expect(JSON.stringify(w.uow.events)).not.toContain(PASSWORD);
  });

  it('delivers once, to the officer who asked, under a password that resists guessing (refusals audited)', async () => {
    const { w, holderId, recovery, deliver } = await setup();
    await expect(deliver('00000000-0000-4000-8000-0000000000b9')).rejects.toMatchObject({ code: E.NotRequester });
    await expect(deliver(OFFICER, 'short')).rejects.toMatchObject({ code: E.Invalid });
    await deliver();
    await expect(deliver()).rejects.toMatchObject({ code: E.Delivered });
    expect(w.uow.events.map((e) => [e.targetId, e.outcome, e.details?.refusal])).toEqual([
      [holderId, 'denied', E.NotRequester],
      [holderId, 'denied', E.Invalid],
      [holderId, 'success', undefined],
      [holderId, 'denied', E.Delivered],
    ]);
    expect(w.uow.events.every((e) => e.details?.recoveryId === recovery.id)).toBe(true);
  });

  it('opens the escrow only through the escrow service: a damaged copy raises the integrity alarm and delivers nothing', async () => {
    const { w, older, recovery, deliver } = await setup();
    w.tamper(older, 1);
    await expect(deliver()).rejects.toMatchObject({ code: 'vsc-escrow.integrity-alarm' });
    expect(w.recoveries.rows.get(recovery.id)?.state).toBe('approved');
    expect(w.uow.events.map((e) => e.action)).toEqual(['vsc.integrity-alarm']);
  });

  it('refuses an approved recovery left unfetched past the approval lifetime (audited)', async () => {
    const { w, recovery, deliver } = await setup();
    w.recoveries.rows.set(recovery.id, { ...w.recoveries.rows.get(recovery.id)!, createdAt: new Date(w.now.getTime() - 25 * 3600_000) });
    await expect(deliver()).rejects.toMatchObject({ code: E.Expired });
    expect(w.recoveries.rows.get(recovery.id)?.state).toBe('approved');
    expect(w.uow.events.map((e) => [e.outcome, e.details?.refusal])).toEqual([['denied', E.Expired]]);
  });

  it('delivers exactly the keys the approval names (their serials), not whatever escrow holds at download time', async () => {
    const { w, recovery, deliver, serials } = await setup();
    expect(serials).toHaveLength(3);
    w.approvalRepo.requests.set(recovery.approvalId, {
      ...w.approvalRepo.requests.get(recovery.approvalId)!,
      subject: { serials: [serials[1]] },
    });
    const r = await deliver();
    expect(r.keys.map((k) => k.serial)).toEqual([serials[1]]);
  });
});
