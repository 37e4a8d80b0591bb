import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentArchiveKey } from '@scm/archive';
import { HsmContext } from '@scm/hsm';
import { appDb, approveAs, call, createTestUser, loginAs, runCli, startApi, uniqueName, type RunningApi } from '@scm/test-kit';
import { escrowedCards } from '../archive/support';
import { testHsmSettings } from '../hsm/support/settings';

/** Archive-key operations are under dual control: a rotation needs two officers besides the requester. */
describe('archive key rotation (dual control, real HSM)', () => {
  let api: RunningApi;
  let hsm: HsmContext;
  const made: Array<{ label: string; version: number }> = [];
  const cliDir = mkdtempSync(join(tmpdir(), 'scm-archive-key-cli-'));

  beforeAll(async () => {
    api = await startApi();
    hsm = HsmContext.open(testHsmSettings());
  });
  afterAll(async () => {
    // leave the test token's archive key versions as they were for the tests that follow
    for (const ref of made) await hsm?.destroyKey(ref).catch(() => undefined);
    hsm?.close();
    await api?.close();
    rmSync(cliDir, { recursive: true, force: true });
  });

  const officer = async (roles: Parameters<typeof createTestUser>[1] = ['security-officer']) => {
    const u = uniqueName('ak');
    return { id: await createTestUser(u, roles), token: await loginAs(api.url, u) };
  };

  it('creates the next key version only after two other officers approve; new volumes are signed with it', async () => {
    const [requester, a, b] = [await officer(), await officer(), await officer()];
    const admin = await officer(['admin']);
    const before = await currentArchiveKey(hsm);
    const r = await call<{ approvalId: string; from: string; to: string }>(
      api.url,
      'POST',
      '/api/v1/archive/key-rotations',
      requester.token,
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ from: `scm-archive/${before.version}`, to: `scm-archive/${before.version + 1}` });
    made.push({ label: 'scm-archive', version: before.version + 1 });
    const approve = (t: string) => approveAs<{ status: string; code?: string }>(api.url, t, r.body.approvalId);
    expect((await approve(requester.token)).body.code).toBe('approval.self-approval');
    expect((await approve(admin.token)).status).toBe(403);
    expect((await approve(a.token)).body.status).toBe('pending');
    expect((await currentArchiveKey(hsm)).version).toBe(before.version);
    expect((await approve(b.token)).body.status).toBe('executed');
    expect(await currentArchiveKey(hsm)).toEqual({ label: 'scm-archive', version: before.version + 1 });

    const db = await appDb();
    try {
      const signer = await db.query(`SELECT key_label FROM archive_signer WHERE key_label = $1`, [r.body.to]);
      expect(signer.rows).toHaveLength(1);
      const audit = await db.query(`SELECT outcome FROM audit_event WHERE action = 'archive.key-rotated' AND target_id = $1`, [r.body.to]);
      expect(audit.rows.map((x) => x.outcome)).toEqual(['success']);
    } finally {
      await db.end();
    }
    await escrowedCards(hsm, 1);
    const sealed = await call<{ volume: number }>(api.url, 'POST', '/api/v1/archive/volumes', requester.token);
    expect(sealed.status).toBe(200);
    const db2 = await appDb();
    try {
      const v = await db2.query(`SELECT signer_key FROM archive_volume WHERE volume = $1`, [sealed.body.volume]);
      expect(v.rows[0].signer_key).toBe(r.body.to);
    } finally {
      await db2.end();
    }
  });

  it('bin/scm archive seal signs with the newest key version too, as the API does', async () => {
    const [requester, a, b] = [await officer(), await officer(), await officer()];
    const before = await currentArchiveKey(hsm);
    const r = await call<{ approvalId: string; to: string }>(api.url, 'POST', '/api/v1/archive/key-rotations', requester.token);
    expect(r.status).toBe(201);
    made.push({ label: 'scm-archive', version: before.version + 1 });
    for (const t of [a.token, b.token]) await approveAs(api.url, t, r.body.approvalId);
    expect(await currentArchiveKey(hsm)).toEqual({ label: 'scm-archive', version: before.version + 1 });

    await escrowedCards(hsm, 1);
    const cli = await runCli(['archive', 'seal', '--out', cliDir, '--json']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const sealed = JSON.parse(cli.stdout) as { sealed: boolean; volume: number };
    expect(sealed.sealed).toBe(true);
    const db = await appDb();
    try {
      const v = await db.query(`SELECT signer_key FROM archive_volume WHERE volume = $1`, [sealed.volume]);
      expect(v.rows[0].signer_key).toBe(`scm-archive/${before.version + 1}`);
    } finally {
      await db.end();
    }
  });
});
