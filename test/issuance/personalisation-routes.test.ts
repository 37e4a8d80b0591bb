import 'reflect-metadata';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { HsmContext } from '@scm/hsm';
import { CARD_KEYS } from '@scm/card-secrets';
import type { VscDeps } from '@scm/vsc';
import { appDb, call, startApi, type RunningApi } from '@scm/test-kit';
import { type PersonalisationPackage } from '@scm/personalisation';
import { type KeyPackageRefusedError, unwrapAsWorker } from '@scm/personalisation';
import {
  caChain,
  cardholders,
  certText,
  claimFixture,
  officer,
  openEscrow,
  openssl,
  people,
  Scratch,
  testVscDeps,
  waitFor,
  workerFixture,
  type Officer,
  type TestWorker,
} from './support';

type Certified = { slot: string; serial: string; certificate: string; pem: string; vscVersion: number };

const spkiOf = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) => k.export({ format: 'der', type: 'spki' }).toString('base64');

/**
 * What issue 7's card worker will call while it personalises a card: the package (objects,
 * certificates, key material wrapped for that worker only) and certification of keys the card
 * generated. Only the approved worker that claimed the request, only while it is personalising.
 */
describe('worker routes for personalisation', () => {
  let api: RunningApi;
  let off: Officer;
  let w1: TestWorker;
  let w2: TestWorker;
  let vscDeps: { hsm: HsmContext; deps: VscDeps };
  const scratch = new Scratch();
  let def: string;
  let seed: string;
  let spare: string;
  let upn: string;
  let apiKey: KeyObject;
  const serials = new Map<string, string>();
  /** What the worker expects of a key package: this request and worker, the card bound to the request, the pinned API key. */
  const expecting = (requestId: string, workerId: string) => ({
    requestId,
    workerId,
    cardSerial: serials.get(requestId)!,
    purpose: 'key-material' as const,
    apiKey,
  });

  beforeAll(async () => {
    api = await startApi();
    off = await officer(api);
    vscDeps = testVscDeps();
    apiKey = (await vscDeps.hsm.getSigningKey(CARD_KEYS.packageSigning, 'P-256')).publicKeyObject();
    [w1, w2] = [await workerFixture(), await workerFixture()];
    const ppl = people(3);
    upn = ppl[0].upn;
    const ids = await cardholders(api, off.token, ppl);
    const post = async (cardholder: string, profile?: string) =>
      (await call<{ id: string }>(api.url, 'POST', '/api/v1/issuance-requests', off.token, { cardholder, ...(profile ? { profile } : {}) }))
        .body.id;
    [def, seed, spare] = [await post(ids[0]), await post(ids[1], 'seed'), await post(ids[2])];
    for (const id of [def, seed, spare]) {
      await waitFor(id, async () =>
        (await call<{ state: string }>(api.url, 'GET', `/api/v1/issuance-requests/${id}`, off.token)).body.state === 'awaiting-card'
          ? true
          : undefined,
      );
    }
    const chain = await caChain(api);
    scratch.file('root.pem', chain.root);
    scratch.file('issuing.pem', chain.issuing);
  });
  afterAll(async () => {
    await api.close();
    vscDeps.hsm.close();
    off.cleanup();
    scratch.remove();
  });

  const pkg = (id: string, token: string) =>
    call<PersonalisationPackage & { code?: string }>(api.url, 'GET', `/api/v1/worker/issuance-requests/${id}/personalisation`, token);
  const certify = (id: string, slot: string, token: string, publicKey: string) =>
    call<Certified & { code?: string }>(api.url, 'POST', `/api/v1/worker/issuance-requests/${id}/slots/${slot}/certificate`, token, {
      publicKey,
    });

  it('refuses before the card is claimed, another worker, and users', async () => {
    const early = await pkg(def, w1.token);
    expect([early.status, early.body.code]).toEqual([409, 'issuance.illegal-transition']);
    serials.set(def, await claimFixture(def, w1.id));
    const other = await pkg(def, w2.token);
    expect([other.status, other.body.code]).toEqual([403, 'issuance.not-claimant']);
    const user = await pkg(def, off.token);
    expect([user.status, user.body.code]).toEqual([403, 'auth.forbidden']);
    const db = await appDb();
    try {
      const denied = await db.query(
        `SELECT details FROM audit_event WHERE action = 'issuance-request.key-material-released' AND outcome = 'denied' AND target_id = $1`,
        [def],
      );
      expect(denied.rows.map((r: { details: { reason: string } }) => r.details.reason).sort()).toEqual([
        'issuance.illegal-transition',
        'issuance.not-claimant',
      ]);
    } finally {
      await db.end();
    }
  });

  it('hands the claiming worker the objects, certificates and key material wrapped for it alone', async () => {
    const r = await pkg(def, w1.token);
    expect(r.status).toBe(200);
    const p = r.body;
    expect(p.importSlots.map((s) => [s.slot, s.escrow])).toEqual([['9d', 'escrow']]);
    expect(p.onCardSlots).toEqual([
      { slot: '9a', algorithm: 'p256', certificate: null },
      { slot: '9c', algorithm: 'p256', certificate: null },
      { slot: '9e', algorithm: 'p256', certificate: null },
    ]);
    expect(p.cardUuid).toBe(p.vscId);
    expect(Buffer.from(p.objects.chuid, 'base64').toString('hex')).toContain(p.vscId.replace(/-/g, ''));
    const m = unwrapAsWorker(p.keyMaterial, w1.kexPrivate, expecting(def, w1.id));
    expect(m.keys.map((k) => k.slot)).toEqual(['9d']);
    const priv = createPrivateKey({ key: m.keys[0].pkcs8, format: 'der', type: 'pkcs8' });
    const cert = new x509.X509Certificate(Buffer.from(p.importSlots[0].certificate, 'base64'));
    expect(createPublicKey(priv).export({ format: 'der', type: 'spki' }).equals(Buffer.from(cert.publicKey.rawData))).toBe(true);
    const vsc = await openEscrow(vscDeps.deps, p.vscId);
    try {
      expect(m.puk).toEqual(vsc.cardCredentials().puk);
    } finally {
      vsc.close();
    }
    // Nothing readable travels: not the key, not the PUK.
    const body = JSON.stringify(p);
    expect(body).not.toContain(m.keys[0].pkcs8.toString('base64').slice(40, 120));
    expect(body).not.toContain(m.puk!.toString('latin1'));
    expect(() => unwrapAsWorker(p.keyMaterial, w2.kexPrivate, expecting(def, w1.id))).toThrow();
  });

  it('certifies a key the card generated in an on-card slot and keeps its public part in a new VSC version', async () => {
    const card = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const r = await certify(def, '9a', w1.token, spkiOf(card.publicKey));
    expect(r.status).toBe(201);
    expect(r.body.vscVersion).toBe(2);
    const leaf = scratch.file('9a.pem', r.body.pem);
    const v = openssl(['verify', '-CAfile', scratch.path('root.pem'), '-untrusted', scratch.path('issuing.pem'), leaf]);
    expect(v.status).toBe(0);
    const t = certText(Buffer.from(r.body.certificate, 'base64'));
    expect(t).toContain(`othername: UPN::${upn}`);
    expect(t).toMatch(/Microsoft Smartcard Login/);
    const pkgNow = (await pkg(def, w1.token)).body;
    expect(pkgNow.vscVersion).toBe(2);
    const vsc = await openEscrow(vscDeps.deps, pkgNow.vscId);
    try {
      expect(t).toContain(`URI:urn:uuid:${vsc.id}`);
      expect(vsc.publicKey(0x9a)).toMatchObject({ escrow: 'on-card', origin: 'copied' });
      expect(Buffer.from(vsc.certificate(0x9a)!).toString('base64')).toBe(r.body.certificate);
      expect(vsc.hasPrivateKey(0x9a)).toBe(false);
    } finally {
      vsc.close();
    }
    const db = await appDb();
    try {
      const versions = await db.query(
        `SELECT version, escrowed_at IS NOT NULL AS escrowed, reason FROM vsc_version WHERE vsc_id = $1 ORDER BY version`,
        [pkgNow.vscId],
      );
      expect(versions.rows).toEqual([
        { version: 1, escrowed: true, reason: 'issued' },
        { version: 2, escrowed: true, reason: 'certified on-card key 9a' },
      ]);
    } finally {
      await db.end();
    }
    // The same key again: the same certificate, no new version.
    const again = await certify(def, '9a', w1.token, spkiOf(card.publicKey));
    expect([again.status, again.body.serial, again.body.vscVersion]).toEqual([201, r.body.serial, 2]);
    // A new key for the slot (the card was reset): a new certificate, the earlier one superseded.
    const card2 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const next = await certify(def, '9a', w1.token, spkiOf(card2.publicKey));
    expect(next.body.serial).not.toBe(r.body.serial);
    const old = await call<{ status: string; reason: string }>(api.url, 'GET', `/api/v1/certificates/${r.body.serial}`, off.token);
    expect([old.body.status, old.body.reason]).toEqual(['revoked', 'superseded']);
  });

  it('refuses an escrowed slot, a key of the wrong algorithm, and a request not claimed by the caller', async () => {
    const p256 = spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    const rsa = spkiOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
    const escrowed = await certify(def, '9d', w1.token, rsa);
    expect([escrowed.status, escrowed.body.code]).toEqual([400, 'issuance.wrong-slot']);
    const wrongAlg = await certify(def, '9c', w1.token, rsa);
    expect([wrongAlg.status, wrongAlg.body.code]).toEqual([400, 'issuance.wrong-slot']);
    const notMine = await certify(def, '9c', w2.token, p256);
    expect([notMine.status, notMine.body.code]).toEqual([403, 'issuance.not-claimant']);
    const notClaimed = await certify(spare, '9a', w1.token, p256);
    expect([notClaimed.status, notClaimed.body.code]).toEqual([409, 'issuance.illegal-transition']);
  });

  it('certifies every key a card generated in one call: one new VSC version; one refused key refuses them all', async () => {
    const certifyAll = (id: string, token: string, keys: Array<{ slot: string; publicKey: string }>) =>
      call<Certified[] & { code?: string }>(api.url, 'POST', `/api/v1/worker/issuance-requests/${id}/certificates`, token, { keys });
    const p256 = () => spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    const before = (await pkg(def, w1.token)).body.vscVersion;
    // One bad key (an escrowed slot) among good ones: refused whole, nothing certified, no new version.
    const mixed = await certifyAll(def, w1.token, [
      { slot: '9c', publicKey: p256() },
      { slot: '9d', publicKey: p256() },
    ]);
    expect([mixed.status, mixed.body.code]).toEqual([400, 'issuance.wrong-slot']);
    expect((await pkg(def, w1.token)).body.vscVersion).toBe(before);
    const twice = await certifyAll(def, w1.token, [
      { slot: '9c', publicKey: p256() },
      { slot: '9c', publicKey: p256() },
    ]);
    expect([twice.status, twice.body.code]).toEqual([400, 'issuance.wrong-slot']);
    const notMine = await certifyAll(def, w2.token, [{ slot: '9c', publicKey: p256() }]);
    expect([notMine.status, notMine.body.code]).toEqual([403, 'issuance.not-claimant']);
    const empty = await certifyAll(def, w1.token, []);
    expect(empty.status).toBe(400);

    const keys = [
      { slot: '9c', publicKey: p256() },
      { slot: '9e', publicKey: p256() },
    ];
    const r = await certifyAll(def, w1.token, keys);
    expect(r.status).toBe(201);
    expect(r.body.map((c) => [c.slot, c.vscVersion])).toEqual([
      ['9c', before + 1],
      ['9e', before + 1],
    ]);
    for (const [i, c] of r.body.entries())
      expect(
        new X509Certificate(Buffer.from(c.certificate, 'base64')).publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      ).toBe(keys[i]!.publicKey);
    const db = await appDb();
    try {
      const v = await db.query(`SELECT reason FROM vsc_version WHERE vsc_id = $1 AND version = $2`, [
        (await pkg(def, w1.token)).body.vscId,
        before + 1,
      ]);
      expect(v.rows).toEqual([{ reason: 'certified on-card keys 9c, 9e' }]);
      const audit = await db.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = 'issuance-request.slot-certified' AND target_id = $1 AND outcome = 'success' AND details->>'vscVersion' = $2`,
        [def, String(before + 1)],
      );
      expect(audit.rows[0].n).toBe(2);
    } finally {
      await db.end();
    }
    // The same keys again: the same certificates, no new version.
    const again = await certifyAll(def, w1.token, keys);
    expect(again.body.map((c) => [c.serial, c.vscVersion])).toEqual(r.body.map((c) => [c.serial, before + 1]));
  });

  it("signs every key package with the API's HSM key, bound to the card: a worker refuses it for another card, another purpose or after expiry", async () => {
    const p = (await pkg(def, w1.token)).body;
    expect(p.keyMaterial.header).toMatchObject({ v: 2, purpose: 'key-material', cardSerial: serials.get(def) });
    expect(p.keyMaterial.signer).toBe('scm-package-signing/1');
    const refused = (over: Record<string, unknown>) => {
      try {
        unwrapAsWorker(p.keyMaterial, w1.kexPrivate, { ...expecting(def, w1.id), ...over });
        return 'opened';
      } catch (e) {
        return (e as KeyPackageRefusedError).reason;
      }
    };
    expect(refused({})).toBe('opened');
    expect(refused({ cardSerial: '1234' })).toBe('card');
    expect(refused({ purpose: 'management-key' })).toBe('purpose');
    expect(refused({ now: new Date(Date.parse(p.keyMaterial.header.expiresAt) + 1) })).toBe('expired');
    // Re-addressed to another card by whoever holds it in transit: the API's signature no longer verifies.
    const moved = { ...p.keyMaterial, header: { ...p.keyMaterial.header, cardSerial: '1234' } };
    expect(() => unwrapAsWorker(moved, w1.kexPrivate, { ...expecting(def, w1.id), cardSerial: '1234' })).toThrow(/signature/);
  });

  it('wraps every slot of a seed-profile request, and none is left for the card to generate', async () => {
    serials.set(seed, await claimFixture(seed, w2.id));
    const p = (await pkg(seed, w2.token)).body;
    expect(p.importSlots.map((s) => s.slot)).toEqual(['9a', '9c', '9d', '9e']);
    expect(p.onCardSlots).toEqual([]);
    const m = unwrapAsWorker(p.keyMaterial, w2.kexPrivate, expecting(seed, w2.id));
    expect(m.keys.map((k) => [k.slot, k.algorithm])).toEqual([
      ['9a', 'rsa2048'],
      ['9c', 'p256'],
      ['9d', 'rsa2048'],
      ['9e', 'p256'],
    ]);
  });

  it('enforces the state machine: no cancel once a card is claimed, no second cancel', async () => {
    const claimed = await call<{ code: string }>(api.url, 'POST', `/api/v1/issuance-requests/${def}/cancel`, off.token, {});
    expect([claimed.status, claimed.body.code]).toEqual([409, 'issuance.illegal-transition']);
    const ok = await call<{ state: string }>(api.url, 'POST', `/api/v1/issuance-requests/${spare}/cancel`, off.token, {});
    expect([ok.status, ok.body.state]).toEqual([200, 'cancelled']);
    const twice = await call<{ code: string; detail: string }>(api.url, 'POST', `/api/v1/issuance-requests/${spare}/cancel`, off.token, {});
    expect([twice.status, twice.body.code, twice.body.detail]).toEqual([
      409,
      'issuance.illegal-transition',
      `request ${spare} is cancelled; it cannot become cancelled`,
    ]);
    const db = await appDb();
    try {
      const denied = await db.query(
        `SELECT details FROM audit_event WHERE action = 'issuance-request.cancelled' AND outcome = 'denied' AND target_id = ANY($1::text[]) ORDER BY entry`,
        [[def, spare]],
      );
      expect(denied.rows.map((r: { details: { from: string } }) => r.details.from)).toEqual(['personalising', 'cancelled']);
    } finally {
      await db.end();
    }
  });
});
