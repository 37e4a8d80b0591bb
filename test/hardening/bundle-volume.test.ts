import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditRecord, eventHash, sha256Hex } from '@scm/audit';
import { HsmContext } from '@scm/hsm';
import { runCli, TEST_PASSWORD, uniqueName } from '@scm/test-kit';

const pw = (): string => {
  const f = join(mkdtempSync(join(tmpdir(), 'scm-pw-')), 'pw');
  writeFileSync(f, TEST_PASSWORD);
  return f;
};
import { escrowedCards } from '../archive/support';
import { testHsmSettings } from '../hsm/support/settings';

/** An archive volume carries the audit chain head at sealing: a bundle and a volume check each other. */
describe('audit bundle against archive volumes', () => {
  let hsm: HsmContext;
  beforeAll(() => {
    hsm = HsmContext.open(testHsmSettings());
  });
  afterAll(() => hsm.close());

  it('matches a volume to the bundle, and the volume exposes a bundle whose history was rewritten', async () => {
    // some audited history before the seal, whatever ran before this test
    const u = uniqueName('admin');
    expect((await runCli(['admin', 'create-user', '-u', u, '--password-file', pw()])).code).toBe(0);
    await escrowedCards(hsm, 1);
    const out = mkdtempSync(join(tmpdir(), 'scm-vol-'));
    const sealed = await runCli(['archive', 'seal', '--out', out, '--json']);
    expect([sealed.code, sealed.stderr]).toEqual([0, '']);
    const image = (JSON.parse(sealed.stdout) as { imagePath: string }).imagePath;
    const bundle = join(mkdtempSync(join(tmpdir(), 'scm-bundle-')), 'b');
    expect((await runCli(['audit', 'export', '--out', bundle])).code).toBe(0);
    const offline = { SCM_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const ok = await runCli(['audit', 'verify', '--bundle', bundle, '--volume', image], { env: offline });
    expect(ok.stdout).toMatch(/volume \d+: anchors event \d+ .* matches the bundle/);
    expect(ok.code).toBe(0);

    // An intruder rewrites the history in the bundle, recomputes every hash and the manifest, and
    // drops the bundle's own checkpoints. The volume's signed head (sealed after the first event)
    // still tells, because the forged event lies before it.
    const lines = readFileSync(join(bundle, 'events.jsonl'), 'utf8').trim().split('\n');
    const events = lines.map((l) => JSON.parse(l) as AuditRecord);
    let prev = events[0].prevHash;
    const forged = events.map((e, i) => {
      const x = { ...e, prevHash: prev, details: i === 0 ? { ...e.details, forged: true } : e.details };
      const hash = eventHash(x);
      prev = hash;
      return { ...x, hash };
    });
    const text = `${forged.map((e) => JSON.stringify(e)).join('\n')}\n`;
    writeFileSync(join(bundle, 'events.jsonl'), text);
    writeFileSync(join(bundle, 'checkpoints.json'), '[]');
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    manifest.head = { seq: forged[forged.length - 1].seq, hash: prev };
    manifest.checkpoints = 0;
    manifest.files['events.jsonl'] = sha256Hex(text);
    manifest.files['checkpoints.json'] = sha256Hex('[]');
    writeFileSync(join(bundle, 'manifest.json'), JSON.stringify(manifest));
    const bad = await runCli(['audit', 'verify', '--bundle', bundle, '--volume', image, '--json'], { env: offline });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).broken.reason).toMatch(/were rewritten: the chain at \d+ does not match the checkpoint/);
  });
});
