import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERIC_PIV_ATR, NO_IMPORT_REFUSALS, SoftPivBackend, WRITING_INS } from '@scm/card-engine';
import { KEY_REF } from '@scm/piv';
import { call, runCli, uniqueName } from '@scm/test-kit';
import { testReader } from '../card-engine/support';
import {
  blankCard,
  cardholder,
  directSession,
  type HelpdeskStack,
  insert,
  insertInspected,
  personalise,
  remove,
  type TestCard,
  waitFor,
} from '../helpdesk/support';
import { startLifecycleStack } from './support';

/**
 * Card profiles as data and the capabilities they need, end to end on the real parts: an officer
 * proposes a profile through bin/scm (refused with every problem named when it is wrong), a second
 * officer approves it; a request made with version 1 keeps it although version 2 is approved before
 * its card is personalised, while a request made after gets version 2 — the cards show it (PIN
 * tries, certificate validity). A software card without key import (`--no-import`: generic ATR, no
 * IMPORT ASYMMETRIC KEY, no GET VERSION) is refused for a profile that escrows a key, with the
 * reason, before anything is written to it: no writing APDU reaches it, and it is not bound.
 */
const READER = testReader(0, 0);

const definition = (pinTries: number, validityDays: number) => ({
  slots: {
    '9a': { algorithm: 'p256', template: 'piv-authentication', escrow: 'on-card' },
    '9d': { algorithm: 'rsa2048', template: 'piv-key-management', escrow: 'escrow' },
    '9e': { algorithm: 'p256', template: 'piv-card-authentication', escrow: 'on-card' },
  },
  pin: { minLength: 6, maxLength: 8, tries: pinTries },
  puk: { length: 8, tries: 3 },
  managementKey: { algorithm: 'aes192' },
  validityDays,
  cardCapabilities: ['import-key'],
});

describe('card profiles as data, and cards that cannot import', () => {
  let s: HelpdeskStack;
  const profileId = uniqueName('lc')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  const cards: TestCard[] = [];

  beforeAll(async () => {
    s = await startLifecycleStack([0]);
  }, 120_000);

  afterAll(async () => {
    for (const c of cards) await remove(c).catch(() => undefined);
    await s?.close();
  });

  const file = (name: string, body: unknown): string => {
    const path = join(s.tmp, name);
    writeFileSync(path, JSON.stringify(body, null, 2));
    return path;
  };

  async function propose(def: unknown, description?: string): Promise<{ id: string; version: number }> {
    const r = await runCli(
      [
        'profile',
        'propose',
        profileId,
        '--file',
        file(`p-${Date.now()}.json`, def),
        ...(description ? ['--description', description] : []),
        '--json',
      ],
      { env: s.officer.env },
    );
    expect([r.code, r.stderr]).toEqual([0, '']);
    return JSON.parse(r.stdout) as { id: string; version: number };
  }

  async function approve(approvalId: string): Promise<string> {
    const r = await runCli(['profile', 'approve', approvalId, '--yes'], { env: s.approvers[0].env });
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('executed')]);
    return r.stderr;
  }

  async function request(holderId: string): Promise<string> {
    const r = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/issuance-requests', s.officer.token, {
      cardholder: holderId,
      profile: profileId,
    });
    expect(r.status).toBe(201);
    return r.body.id;
  }

  const requestRow = async (id: string) =>
    (
      await s.db.query<{ profile_version: number; profile: { pin: { tries: number }; validityDays: number }; state: string }>(
        `SELECT profile_version, profile, state FROM issuance_request WHERE id = $1`,
        [id],
      )
    ).rows[0];

  async function cardFacts(c: TestCard, requestId: string): Promise<{ pinTries: number; validityDays: number }> {
    await insertInspected(s, c, READER);
    try {
      const session = await directSession(c);
      const pin = await session.getMetadata(KEY_REF.PIN);
      const cert = new X509Certificate(Buffer.from((await session.readCertificate(0x9a))!.der));
      const fromDb = (
        await s.db.query<{ serial: string }>(
          `SELECT serial FROM ca_certificate WHERE reference->>'requestId' = $1 AND reference->>'slot' = '9a'`,
          [requestId],
        )
      ).rows[0].serial;
      expect(cert.serialNumber.toLowerCase()).toBe(fromDb);
      return {
        pinTries: pin.retriesTotal!,
        validityDays: Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000),
      };
    } finally {
      await remove(c);
    }
  }

  it('a profile edit (dual control) changes new issuance but not a request made before it, even one personalised after it', async () => {
    // Strict checks: every problem named, nothing proposed.
    const bad = await runCli(
      [
        'profile',
        'propose',
        profileId,
        '--description',
        'broken',
        '--file',
        file('bad.json', { ...definition(3, 0), cardCapabilities: [], pinn: { tries: 3 } }),
      ],
      { env: s.officer.env },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('profile.invalid-proposal');
    expect(bad.stderr).toContain('validityDays: 1..3650');
    expect(bad.stderr).toContain('pinn: not a profile field');
    expect(bad.stderr).toContain('slots 9d (escrow) are generated off the card and imported into it, so the profile needs import-key');

    const v1 = await propose(definition(3, 1000), 'lifecycle test profile');
    expect(v1.version).toBe(1);
    // Not by the proposer.
    const self = await runCli(['profile', 'approve', v1.id, '--yes'], { env: s.officer.env });
    expect([self.code, self.stderr]).toEqual([1, expect.stringContaining('approval.self-approval')]);
    await approve(v1.id);
    const shown = await runCli(['profile', 'show', profileId], { env: s.officer.env });
    expect(shown.stdout).toContain(`profile ${profileId} v1: lifecycle test profile`);

    const first = await cardholder(s);
    const before = await request(first.id);
    expect(await requestRow(before)).toMatchObject({ profile_version: 1 });

    const v2 = await propose({ ...definition(5, 30) });
    expect(v2.version).toBe(2);
    const shownChanges = await approve(v2.id);
    expect(shownChanges).toContain('pin.tries: 3 → 5');
    expect(shownChanges).toContain('validityDays: 1000 → 30');
    const versions = await call<Array<{ version: number; approvedBy: string }>>(
      s.api.url,
      'GET',
      `/api/v1/profiles/${profileId}/versions`,
      s.auditor.token,
    );
    expect(versions.body.map((v) => [v.version, v.approvedBy])).toEqual([
      [1, `user:${s.approvers[0].id}`],
      [2, `user:${s.approvers[0].id}`],
    ]);
    // An edit against version 1 now is stale.
    const stale = await runCli(['profile', 'propose', profileId, '--based-on', '1', '--file', file('stale.json', definition(4, 30))], {
      env: s.officer.env,
    });
    expect([stale.code, stale.stderr]).toEqual([1, expect.stringContaining('profile.stale')]);

    const second = await cardholder(s);
    const after = await request(second.id);
    expect(await requestRow(after)).toMatchObject({ profile_version: 2, profile: { pin: { tries: 5 }, validityDays: 30 } });
    expect(await requestRow(before)).toMatchObject({ profile_version: 1, profile: { pin: { tries: 3 }, validityDays: 1000 } });

    const old = await personalise(s, before, READER);
    cards.push(old.card);
    const fresh = await personalise(s, after, READER);
    cards.push(fresh.card);
    const oldFacts = await cardFacts(old.card, before);
    const freshFacts = await cardFacts(fresh.card, after);
    expect(oldFacts.pinTries).toBe(3);
    expect(oldFacts.validityDays).toBeGreaterThan(300);
    expect(freshFacts).toEqual({ pinTries: 5, validityDays: 30 });
  });

  it('a card that cannot import keys is refused for an escrowing profile with the reason, before anything is written to it', async () => {
    const holder = await cardholder(s);
    const r = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/issuance-requests', s.officer.token, { cardholder: holder.id });
    expect(r.status).toBe(201);
    const requestId = r.body.id;
    await waitFor('the request to wait for a card', async () =>
      (await requestRow(requestId)).state === 'awaiting-card' ? true : undefined,
    );

    const seen: number[] = [];
    const card = blankCard({ refuse: NO_IMPORT_REFUSALS, onCommand: (c) => seen.push(c.ins) });
    card.backend = new SoftPivBackend({ serial: Number(card.serial), atr: GENERIC_PIV_ATR });
    cards.push(card);
    const worker = s.workers.get(0)!;
    await insert(card, READER);
    try {
      const denied = await waitFor('the claim of the card to be refused', async () => {
        const q = await s.db.query<{ details: { reason: string; serial: string } }>(
          `SELECT details FROM audit_event WHERE action = 'personalisation.claim' AND outcome = 'denied' AND target_id = $1`,
          [requestId],
        );
        return q.rows[0];
      });
      expect(denied.details).toMatchObject({ reason: 'personalisation.card-lacks-capability', serial: card.serial });
      await worker.waitForLog(new RegExp(`cannot carry profile default v1: the profile needs import-key \\(slots 9d \\(escrow\\)`), 20_000);
      expect(worker.log()).toMatch(/the card has the ATR 3B8D80018073C021C05747656E50495631BB, which is no card known to import keys/);
      // The card answered reads and the management-key authentication only: no writing command reached it.
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((ins) => WRITING_INS.has(ins)).map((ins) => ins.toString(16))).toEqual([]);
      expect(seen).not.toContain(0xfe);
      expect(await card.backend.getObject(0x5fc102)).toBeUndefined();
      // Not bound, and the request still waits for a card that can take it.
      expect((await s.db.query(`SELECT 1 FROM card WHERE serial = $1`, [card.serial])).rowCount).toBe(0);
      expect((await requestRow(requestId)).state).toBe('awaiting-card');
    } finally {
      await remove(card);
    }
  });
});
