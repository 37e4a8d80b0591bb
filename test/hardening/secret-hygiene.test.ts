import { readFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import { ManagementKeyDiversifier, PukVault } from '@scm/card-secrets';
import { approveAs, call, createTestUser, loginAs, reauth, runCli, TEST_PASSWORD, testEnv, uniqueName } from '@scm/test-kit';
import { HsmKeyProtector, VirtualSmartCard } from '@scm/vsc';
import {
  bytesSecret,
  digitsSecret,
  dumpDatabase,
  dumpRedis,
  findSecrets,
  privateKeySecret,
  type Secret,
} from '../personalisation/secret-scan';
import {
  cardholders,
  feedCards,
  insertInspected,
  issueBatch,
  remove,
  type Stack,
  startStack,
  testReader,
  waitForRequests,
} from '../personalisation/support';

/**
 * Issue 9's secret hygiene: the main flows run — issuance with every slot escrowed (seed profile),
 * personalisation by a card worker, activation with a PIN typed at the workstation, key recovery
 * into a password-protected PKCS#12 under dual control, an archive volume, an auditor's bundle —
 * and then PostgreSQL, Redis, every log, the archive image and the bundle are searched for any
 * private key, PIN, PUK, management key or password in any encoding.
 */
const PIN = '40718263';
const RECOVERY_PASSWORD = 'recovery passphrase kept by the officer';
const READER = testReader(2, 0);

describe('secret hygiene after the main flows', () => {
  let s: Stack;
  const cli: string[] = [];
  const run = async (args: string[], opts: Parameters<typeof runCli>[1] = {}) => {
    const r = await runCli(args, opts);
    cli.push(r.stdout, r.stderr);
    return r;
  };

  beforeAll(async () => {
    s = await startStack([2], { ownProcess: true, apiEnv: { SCM_LOG_LEVEL: 'debug' }, workerEnv: { SCM_LOG_LEVEL: 'debug' } });
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  it('finds no secret anywhere after issuance, activation, recovery, archiving and an audit export', async () => {
    // issue one card with every slot escrowed, personalised by the worker
    const holders = await cardholders(s, 1);
    const batch = await issueBatch(s, holders, 'seed');
    await waitForRequests(s.db, batch.requestIds, ['awaiting-card'], 120_000);
    const [card] = await feedCards(s.db, [READER], 1, { timeoutMs: 200_000 });

    // activation: the PIN goes from the terminal to the card through the worker's local socket
    await insertInspected(s, card, READER);
    try {
      // separation of duties: a second officer opens the activation of the card the first one requested
      await reauth(s.api.url, s.second.token);
      const act = await call(s.api.url, 'POST', '/api/v1/activations', s.second.token, {
        card: card.serial,
        workstation: 2,
        identityCheck: 'passport seen',
      });
      expect(act.status).toBe(201);
      const socket = join(s.workers.get(2)!.stateDir, 'worker', 'ws2.activation.sock');
      const typed = await run(['activate', '--card', card.serial, '--socket', socket, '--pin-stdin'], { input: `${PIN}\n` });
      expect([typed.code, typed.stderr]).toEqual([0, expect.stringContaining('setting the PIN of card')]);
    } finally {
      await remove(card);
    }

    // key recovery under dual control into a PKCS#12 for the requesting officer
    const rec = await call<{ approvalId: string }>(s.api.url, 'POST', '/api/v1/key-recoveries', s.token, {
      card: card.serial,
      reason: 'data recovery test',
    });
    expect(rec.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const u = uniqueName('approver');
      await createTestUser(u, ['security-officer']);
      expect((await approveAs(s.api.url, await loginAs(s.api.url, u), rec.body.approvalId)).status).toBe(200);
    }
    const view = await call<{ id: string }>(s.api.url, 'GET', `/api/v1/key-recoveries?approval=${rec.body.approvalId}`, s.token);
    const p12 = await call<{ pkcs12: string }>(s.api.url, 'POST', `/api/v1/key-recoveries/${view.body.id}/pkcs12`, s.token, {
      password: RECOVERY_PASSWORD,
    });
    expect([p12.status, p12.body.pkcs12.length > 100]).toEqual([200, true]);

    // an archive volume and the auditor's bundle
    const sealed = await call<{ image: string; sidecar: string }>(s.api.url, 'POST', '/api/v1/archive/volumes', s.token);
    expect(sealed.status).toBe(200);
    const bundle = join(mkdtempSync(join(tmpdir(), 'scm-hygiene-')), 'bundle');
    expect((await run(['audit', 'export', '--out', bundle])).code).toBe(0);

    // Every secret of these flows, read back through the HSM (only a test may do this).
    const hsm = HsmContext.open(
      hsmSettingsFrom({
        SCM_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
        SCM_PKCS11_TOKEN_LABEL: testEnv.SCM_PKCS11_TOKEN_LABEL,
        SCM_PKCS11_SLOT: -1,
        SCM_PKCS11_PIN: '',
        SCM_PKCS11_PIN_FILE: '',
        SCM_STATE_DIR: testEnv.SCM_STATE_DIR,
      }),
    );
    const secrets: Secret[] = [
      digitsSecret('the PIN', PIN),
      { what: 'a user password', forms: [TEST_PASSWORD] },
      { what: 'the recovery password', forms: [RECOVERY_PASSWORD] },
      { what: 'the HSM user PIN', forms: [readFileSync(join(testEnv.SCM_STATE_DIR, 'hsm', 'user-pin'), 'utf8').trim()] },
    ];
    try {
      const row = (
        await s.db.query<{
          card_id: string;
          request_id: string;
          vsc_id: string;
          puk_sealed: Buffer;
          content: Buffer;
          profile: { managementKey: { algorithm: string } };
        }>(
          `SELECT k.id AS card_id, k.request_id, k.vsc_id, cc.puk_sealed, vv.content, r.profile
             FROM card k JOIN card_credential cc ON cc.card_id = k.id JOIN vsc v ON v.id = k.vsc_id
             JOIN vsc_version vv ON vv.vsc_id = v.id AND vv.version = v.current_version JOIN issuance_request r ON r.id = k.request_id
            WHERE k.serial = $1`,
          [card.serial],
        )
      ).rows[0];
      const puk = await new PukVault(hsm).open(row.puk_sealed, row.card_id);
      secrets.push(digitsSecret('the PUK', puk.subarray(0, puk.indexOf(0xff) < 0 ? 8 : puk.indexOf(0xff)).toString('latin1')));
      const mk = await new ManagementKeyDiversifier(hsm).exportForCard(
        { serial: card.serial, guid: row.vsc_id },
        row.profile.managementKey.algorithm as 'aes192',
      );
      secrets.push(bytesSecret('the management key', mk));
      const vsc = await VirtualSmartCard.load(row.content, { protector: new HsmKeyProtector(hsm) });
      await vsc.openWithRecovery();
      try {
        for (const slot of [0x9a, 0x9c, 0x9d, 0x9e]) {
          secrets.push(
            ...privateKeySecret(
              `the escrowed ${slot.toString(16)} key`,
              vsc.exportPrivateKeyForIssuance(slot, { requestId: row.request_id }),
            ),
          );
        }
      } finally {
        vsc.close();
      }
    } finally {
      hsm.close();
    }
    expect(secrets.length).toBeGreaterThan(20);
    // The scanner finds what it looks for, in every place it searches.
    const planted = `x ${PIN} y ${secrets.find((x) => x.what.includes('9d key'))!.forms[0]} z ${RECOVERY_PASSWORD}`;
    expect(findSecrets(planted, secrets)).toEqual(
      expect.arrayContaining(['the PIN', 'the recovery password', secrets.find((x) => x.what.includes('9d key'))!.what]),
    );

    const image = readFileSync(sealed.body.image);
    const places: Record<string, string> = {
      postgres: await dumpDatabase(),
      redis: await dumpRedis(),
      logs: [s.apiLog(), ...[...s.workers.values()].map((w) => w.log()), ...cli].join('\n'),
      'archive image': `${image.toString('latin1')}\n${image.toString('hex')}\n${readFileSync(sealed.body.sidecar, 'utf8')}`,
      'audit bundle': readdirSync(bundle)
        .map((f) => readFileSync(join(bundle, f)).toString('latin1'))
        .join('\n'),
    };
    // the places really hold what the flows wrote
    expect(places.postgres).toContain(card.serial);
    expect(places.logs).toContain('personalisation attempt ended');
    expect(places['audit bundle']).toContain('key-recovery.delivered');
    const found = Object.fromEntries(Object.entries(places).map(([k, v]) => [k, findSecrets(v, secrets)]));
    expect(found).toEqual({ postgres: [], redis: [], logs: [], 'archive image': [], 'audit bundle': [] });
  }, 600_000);
});
