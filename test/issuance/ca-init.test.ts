import { Client } from 'pg';
import { provisionDatabase } from '@scm/db';
import { runCli, testEnv } from '@scm/test-kit';

/** `scm ca init` as scripts/setup runs it: creates what is missing once, then finds it present. */
describe('scm ca init', () => {
  const db = `${new URL(testEnv.SCM_DATABASE_URL).pathname.slice(1)}_cainit`;
  const app = `postgres://scm_app@127.0.0.1:5432/${db}`;
  const env = { SCM_DATABASE_URL: app, SCM_ORGANIZATION: 'Init Test', SCM_PUBLIC_URL: 'https://pki.init.example' };

  beforeAll(async () => {
    await provisionDatabase({
      adminUrl: testEnv.SCM_DATABASE_ADMIN_URL,
      ownerUrl: `postgres://scm_owner@127.0.0.1:5432/${db}`,
      recreate: true,
    });
  });
  afterAll(async () => {
    const admin = new Client({ connectionString: testEnv.SCM_DATABASE_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
  });

  it('creates the root, the issuing CA and the content signer with first CRLs, once', async () => {
    const first = await runCli(['ca', 'init'], { env });
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^scm-root: created \(O=Init Test, CN=Init Test Root CA, until \d{4}-\d\d-\d\d\)$/),
      expect.stringMatching(/^scm-issuing: created \(O=Init Test, CN=Init Test Issuing CA 1, until/),
      expect.stringMatching(/^scm-content-signer: created \(O=Init Test, CN=Init Test PIV Content Signer, until/),
    ]);
    const again = await runCli(['ca', 'init'], { env });
    expect(again.stdout).toMatch(/scm-root: present[\s\S]*scm-issuing: present[\s\S]*scm-content-signer: present/);
    expect((await runCli(['ca', 'init', '--quiet'], { env })).stdout).toBe('');
    const show = JSON.parse((await runCli(['ca', 'show', '--json'], { env })).stdout) as Array<{
      id: string;
      role: string;
      key: string;
      parent: string | null;
      crl: { number: number } | null;
    }>;
    expect(show.map((a) => [a.id, a.role, a.key, a.parent, a.crl?.number ?? null])).toEqual([
      ['scm-content-signer', 'content-signer', 'scm-content-signer/1', 'scm-issuing', null],
      ['scm-issuing', 'issuing', 'scm-ca-issuing/1', 'scm-root', 1],
      ['scm-root', 'root', 'scm-ca-root/1', null, 1],
    ]);
    const c = new Client({ connectionString: app });
    await c.connect();
    try {
      const audit = await c.query(`SELECT target_id FROM audit_event WHERE action = 'ca.created' ORDER BY entry`);
      expect(audit.rows.map((r: { target_id: string }) => r.target_id)).toEqual(['scm-root', 'scm-issuing', 'scm-content-signer']);
      const cdp = await c.query(`SELECT encode(der, 'hex') AS der FROM ca_authority WHERE ca_id = 'scm-issuing'`);
      expect(Buffer.from(cdp.rows[0].der, 'hex').toString('latin1')).toContain('https://pki.init.example/crl/scm-root.crl');
    } finally {
      await c.end();
    }
  });
});
