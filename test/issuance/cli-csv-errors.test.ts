import { appDb, call, runCli, startApi, uniqueName, type RunningApi } from '@scm/test-kit';
import { cardholders, officer, scratchFile, type Officer } from './support';

/** The officer's CSV files: every wrong line named with its file line, and nothing half-done. */
describe('cardholder import and batch issuance from CSV: clear per-line errors', () => {
  let api: RunningApi;
  let off: Officer;
  const tag = uniqueName('csv');
  const upn = (n: string) => `${n}.${tag}@corp.example`;

  beforeAll(async () => {
    api = await startApi({ SCM_KEYGEN_CONCURRENCY: '0' });
    off = await officer(api);
  });
  afterAll(async () => {
    await api.close();
    off.cleanup();
  });

  const count = async (sql: string, params: unknown[]) => {
    const db = await appDb();
    try {
      return ((await db.query(sql, params)).rows[0] as { n: number }).n;
    } finally {
      await db.end();
    }
  };

  it('names each bad cardholder line and imports none of the file', async () => {
    await cardholders(api, off.token, [{ name: 'Already There', upn: upn('taken') }]);
    const file = scratchFile(
      off,
      'people.csv',
      [
        'name,email,upn,org_ids',
        `Good Person,good.${tag}@example.org,${upn('good')},E-1`,
        `Bad Mail,not-an-address,${upn('badmail')},`,
        `,nobody.${tag}@example.org,${upn('noname')},`,
        `Twin,,${upn('good')},`,
        `Late Comer,,${upn('taken')},`,
        `Org Person,,${upn('org')},ok;has space`,
      ].join('\n'),
    );
    const r = await runCli(['cardholder', 'import', file], { env: off.cliEnv });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${file} line 3: email: "not-an-address" is not an e-mail address`,
      `${file} line 4: name: a name is required`,
      `${file} line 5: upn: UPN ${upn('good')} appears twice (first at line 2)`,
      expect.stringMatching(
        new RegExp(`^${file} line 6: upn: UPN ${upn('taken').replace(/\./g, '\\.')} belongs to cardholder [0-9a-f-]{36} already$`),
      ),
      `${file} line 7: orgIds: "has space" is not an organisation id (letters, digits, . _ : / -; at most 64)`,
      'scm: 5 of 6 cardholders are wrong; nothing was imported',
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM cardholder WHERE upn = $1`, [upn('good')])).toBe(0);
  });

  it('names the line of a malformed CSV before calling the API', async () => {
    const file = scratchFile(off, 'broken.csv', `name,upn\nAlice,${upn('a')}\nBob "the" Builder,${upn('b')}\n`);
    const r = await runCli(['cardholder', 'import', file], { env: off.cliEnv });
    expect([r.code, r.stderr.trim()]).toEqual([1, `scm: ${file} line 3: a quote inside an unquoted field`]);
    const cols = scratchFile(off, 'cols.csv', `name,phone\nAlice,123\n`);
    expect((await runCli(['cardholder', 'import', cols], { env: off.cliEnv })).stderr.trim()).toBe(
      `scm: ${cols} line 1: unknown column "phone" (columns: name, email, upn, org_ids)`,
    );
  });

  it('names each bad batch line and creates no request', async () => {
    const [alice, bob, mailOnly, busy] = await cardholders(api, off.token, [
      { name: 'Alice', upn: upn('alice') },
      { name: 'Bob', upn: upn('bob') },
      { name: 'Mail Only', email: `mail.${tag}@example.org` },
      { name: 'Busy', upn: upn('busy') },
    ]);
    const first = await call<{ id: string }>(api.url, 'POST', '/api/v1/issuance-requests', off.token, { cardholder: busy });
    expect(first.status).toBe(201);
    const file = scratchFile(
      off,
      'batch.csv',
      [
        'cardholder,profile',
        upn('alice'),
        `nobody.${tag}@corp.example,`,
        `${bob},seed`,
        `${upn('bob')},`,
        `${alice},gold`,
        `mail.${tag}@example.org,`,
        `${busy},`,
      ].join('\r\n'),
    );
    const r = await runCli(['issue', '--batch', file], { env: off.cliEnv });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file} line 3: no cardholder "nobody.${tag}@corp.example"`,
      `${file} line 5: cardholder ${bob} is requested twice (first at line 4)`,
      `${file} line 6: no card profile "gold"`,
      `${file} line 7: cardholder ${mailOnly} has no UPN; profile "default" puts one in the PIV authentication certificate`,
      `${file} line 8: cardholder ${busy} already has request ${first.body.id} (requested)`,
      'scm: 5 of 7 entries are wrong; no request was created',
    ]);
    expect(
      await count(`SELECT count(*)::int AS n FROM issuance_request WHERE cardholder_id = ANY($1::uuid[])`, [[alice, bob, mailOnly]]),
    ).toBe(0);
    // The seed profile needs no e-mail, and the default profile accepts the same cardholders once the file is right.
    const good = scratchFile(off, 'good.csv', ['cardholder,profile', upn('alice'), `${bob},seed`].join('\n'));
    const ok = await runCli(['issue', '--batch', good], { env: off.cliEnv });
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toMatch(/^batch accepted: [0-9a-f-]{36} \(2 requests\)/);
  });

  it('issues for one cardholder, lists and shows profiles and cardholders', async () => {
    await cardholders(api, off.token, [{ name: 'Carol Single', upn: upn('carol') }]);
    const one = await runCli(['issue', '--cardholder', upn('carol')], { env: off.cliEnv });
    expect([one.code, one.stderr]).toEqual([0, '']);
    expect(one.stdout).toMatch(/^request [0-9a-f-]{36} for cardholder [0-9a-f-]{36} \(profile default\): requested/);
    const both = await runCli(['issue', '--cardholder', 'x', '--batch', 'y.csv'], { env: off.cliEnv });
    expect([both.code, both.stderr.trim()]).toEqual([1, 'scm: give either --cardholder REF or --batch FILE.csv']);
    const list = await runCli(['profile', 'list'], { env: off.cliEnv });
    expect(list.stdout).toMatch(/default\s+\d+\s+yes\s+9a:on-card 9c:on-card 9d:escrow 9e:on-card/);
    expect(list.stdout).toMatch(/seed\s+\d+\s+9a:escrow 9c:escrow 9d:escrow 9e:escrow/);
    const show = await runCli(['profile', 'show', 'seed'], { env: off.cliEnv });
    expect(show.stdout).toMatch(/9a\s+rsa2048\s+piv-authentication\s+escrow/);
    expect(show.stdout).toMatch(/PUK\s+8 digits, 3 tries/);
    const found = await runCli(['cardholder', 'list', '--search', `carol.${tag}`], { env: off.cliEnv });
    expect(found.stdout).toContain('Carol Single');
    expect(found.stdout.trim().split('\n')).toHaveLength(2);
  });
});
