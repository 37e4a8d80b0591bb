import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReconciliationReport, StoredVolume } from '@scm/archive';
import type { HsmContext } from '@scm/hsm';
import { HsmKeyProtector, VirtualSmartCard } from '@scm/vsc';
import { appDb, call, createTestUser, loginAs, runCli, startApi, uniqueName, type RunningApi } from '@scm/test-kit';
import { ArchiveRecoveryService } from '../../apps/issuer-api/src';
import { testHsmSettings } from '../hsm/support/settings';
import { HsmContext as Hsm } from '@scm/hsm';
import { escrowedCards, type EscrowedCard } from './support';

type Sealed = {
  sealed: true;
  volume: number;
  image: string;
  sidecar: string;
  imageSha256: string;
  previous: { volume: number; imageSha256: string } | null;
  entries: number;
};
type NotSealed = { sealed: false; message: string; lastVolume: number | null };

/**
 * Issue 8, archive volumes: an officer seals through the API and an operator through bin/scm;
 * volumes verify offline (bin/scm archive verify, no database or HSM) and online; the chain is
 * checked; sealing again writes nothing; reconciliation finds a card left out; a VSC is read back
 * from the escrow and from the image, and both open through the HSM's recovery path.
 */
describe('archive volumes: seal, verify, chain, reconcile, recover', () => {
  let api: RunningApi;
  let hsm: HsmContext;
  let officer: string;
  let auditor: string;
  const apiDir = mkdtempSync(join(tmpdir(), 'scm-archive-api-'));
  const cliDir = mkdtempSync(join(tmpdir(), 'scm-archive-cli-'));
  const scratch = mkdtempSync(join(tmpdir(), 'scm-archive-scratch-'));
  let first: EscrowedCard[];
  let second: EscrowedCard[];
  let v1: Sealed;
  let v2: { volume: number; imagePath: string; sidecarPath: string };
  let issuerPem: string;

  beforeAll(async () => {
    api = await startApi({ SCM_ARCHIVE_DIR: apiDir });
    hsm = Hsm.open(testHsmSettings());
    const o = uniqueName('officer');
    await createTestUser(o, ['security-officer']);
    officer = await loginAs(api.url, o);
    const a = uniqueName('auditor');
    await createTestUser(a, ['auditor']);
    auditor = await loginAs(api.url, a);
    issuerPem = `${x509Pem(Buffer.from(await (await fetch(`${api.url}/ca/scm-issuing.crt`)).arrayBuffer()))}`;
    writeFileSync(join(scratch, 'issuing.pem'), issuerPem);
    first = await escrowedCards(hsm, 3);
  });
  afterAll(async () => {
    await api.close();
    hsm.close();
    for (const d of [apiDir, cliDir, scratch]) {
      chmodTree(d);
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('an officer seals a volume through the API: read-only image and sidecar, recorded, audited; an auditor may not seal', async () => {
    const denied = await call(api.url, 'POST', '/api/v1/archive/volumes', auditor, {});
    expect(denied.status).toBe(403);
    const r = await call<Sealed | NotSealed>(api.url, 'POST', '/api/v1/archive/volumes', officer, {});
    expect(r.status).toBe(200);
    expect(r.body.sealed).toBe(true);
    v1 = r.body as Sealed;
    expect(statSync(v1.image).mode & 0o777).toBe(0o444);
    expect(statSync(v1.sidecar).mode & 0o777).toBe(0o444);
    const show = await call<StoredVolume & { entryList: Array<{ vscId: string; cardSerial: string | null }> }>(
      api.url,
      'GET',
      `/api/v1/archive/volumes/${v1.volume}`,
      auditor,
    );
    expect(show.status).toBe(200);
    expect(show.body.imageSha256).toBe(v1.imageSha256);
    for (const c of first) expect(show.body.entryList).toContainEqual(expect.objectContaining({ vscId: c.vscId, cardSerial: c.serial }));
    const db = await appDb();
    try {
      const ev = await db.query(`SELECT outcome, details FROM audit_event WHERE action = 'archive.volume-sealed' AND target_id = $1`, [
        String(v1.volume),
      ]);
      expect(ev.rows).toEqual([
        expect.objectContaining({ outcome: 'success', details: expect.objectContaining({ imageSha256: v1.imageSha256 }) }),
      ]);
      // A sealed volume never changes: the application role cannot update or delete it.
      await expect(db.query(`UPDATE archive_volume SET image_size = 1 WHERE volume = $1`, [v1.volume])).rejects.toThrow(
        /permission denied/,
      );
      await expect(db.query(`DELETE FROM archive_entry WHERE volume = $1`, [v1.volume])).rejects.toThrow(/permission denied/);
    } finally {
      await db.end();
    }
  });

  it('verifies offline with bin/scm (no database, no HSM), against the issuing CA; --online checks the GCM tags through the HSM', async () => {
    const offline = await runCli(['archive', 'verify', v1.image, '--issuer-cert', join(scratch, 'issuing.pem')], {
      env: { SCM_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', SCM_PKCS11_TOKEN_LABEL: 'no-such-token' },
    });
    expect([offline.code, offline.stdout]).toEqual([0, expect.stringContaining('OK: the volume verifies')]);
    expect(offline.stdout).toContain('chains to the issuer certificate given');
    expect(offline.stdout).toContain(`${v1.entries} of ${v1.entries} VSC files have the hash, size and format the manifest says`);
    const online = await runCli(['archive', 'verify', v1.image, '--online']);
    expect([online.code, online.stdout]).toEqual([0, expect.stringMatching(/ok +vsc tags +(\d+) of \1 VSC files pass the HSM checks/)]);
    const list = await runCli(['archive', 'list', v1.image]);
    expect(list.code).toBe(0);
    // New volumes spread the VSC files over subdirectories named by the first two characters of the id.
    for (const c of first) expect(list.stdout).toContain(`vsc/${c.vscId.slice(0, 2)}/${c.vscId}-v1.vsc`);
  });

  it('names the file a changed byte hits, and exits 1; usage errors exit 2', async () => {
    const copy = join(scratch, 'changed.iso');
    copyFileSync(v1.image, copy);
    copyFileSync(v1.sidecar, `${copy}.sidecar.json`);
    chmodSync(copy, 0o644);
    const img = readFileSync(copy);
    const victim = first[1];
    // The seal MAC at the end of the content is unique to each VSC (the sample VSCs share their public objects).
    const at = img.indexOf(victim.content.subarray(victim.content.length - 32));
    expect(at).toBeGreaterThan(0);
    img[at + 5] ^= 0x40;
    writeFileSync(copy, img);
    const r = await runCli(['archive', 'verify', copy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`changed: vsc/${victim.vscId.slice(0, 2)}/${victim.vscId}-v1.vsc`);
    expect(r.stdout).toContain('VERIFICATION FAILED');
    expect((await runCli(['archive', 'verify'])).code).toBe(2);
    expect((await runCli(['archive', 'verify', join(scratch, 'no-such.iso')])).code).toBe(2);
  });

  it('sealing again with nothing new writes nothing and makes no second volume with the same VSCs', async () => {
    const before = readdirSync(apiDir).sort();
    const r = await call<Sealed | NotSealed>(api.url, 'POST', '/api/v1/archive/volumes', officer, {});
    expect(r.status).toBe(200);
    if (r.body.sealed) {
      // Only another test's new escrow can be in it, never ours.
      const show = await call<{ entryList: Array<{ vscId: string }> }>(api.url, 'GET', `/api/v1/archive/volumes/${r.body.volume}`, officer);
      expect(show.body.entryList.map((e) => e.vscId)).not.toEqual(expect.arrayContaining([first[0].vscId]));
    } else {
      expect(r.body.message).toMatch(/nothing to seal/);
      expect(readdirSync(apiDir).sort()).toEqual(before);
    }
    const db = await appDb();
    try {
      const n = await db.query(`SELECT vsc_id, count(*)::int AS n FROM archive_entry WHERE vsc_id = ANY($1::uuid[]) GROUP BY vsc_id`, [
        first.map((c) => c.vscId),
      ]);
      expect(n.rows.map((x) => x.n)).toEqual([1, 1, 1]);
    } finally {
      await db.end();
    }
  });

  it('reconciliation lists a card deliberately left out of the archive, and not once it is sealed', async () => {
    second = await escrowedCards(hsm, 2);
    const rep = await call<ReconciliationReport>(api.url, 'GET', '/api/v1/archive/reconciliation', auditor);
    expect(rep.status).toBe(200);
    const missing = rep.body.missing.map((m) => m.cardId);
    for (const c of second) expect(missing).toContain(c.cardId);
    for (const c of first) expect(missing).not.toContain(c.cardId);
    expect(rep.body.ok).toBe(false);
    const cli = await runCli(['archive', 'reconcile']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`missing:    card ${second[0].cardId} (serial ${second[0].serial})`);
    expect(cli.stdout).toContain('NOT RECONCILED');

    const sealed = await runCli(['archive', 'seal', '--out', cliDir, '--json']);
    expect(sealed.code).toBe(0);
    v2 = JSON.parse(sealed.stdout) as typeof v2;
    const after = await call<ReconciliationReport>(api.url, 'GET', '/api/v1/archive/reconciliation', auditor);
    const left = after.body.missing.map((m) => m.cardId);
    for (const c of [...first, ...second]) expect(left).not.toContain(c.cardId);
    expect(after.body.duplicated.filter((d) => [...first, ...second].some((c) => c.cardId === d.cardId))).toEqual([]);
    const fromImages = await runCli(['archive', 'reconcile', '--images', cliDir, '--json']);
    const img = JSON.parse(fromImages.stdout) as ReconciliationReport;
    for (const c of second) expect(img.missing.map((m) => m.cardId)).not.toContain(c.cardId);
    for (const c of first) expect(img.missing.map((m) => m.cardId)).toContain(c.cardId);
  });

  it('volumes form a chain: the link verifies, and a chain with a volume removed is detected', async () => {
    const vols = await call<{ volumes: StoredVolume[] }>(api.url, 'GET', '/api/v1/archive/volumes', officer);
    const byNo = new Map(vols.body.volumes.map((v) => [v.volume, v]));
    const prev = byNo.get(v2.volume - 1)!;
    expect(byNo.get(v2.volume)!.previous).toEqual({ volume: prev.volume, imageSha256: prev.imageSha256 });
    const prevImage = join(prev.directory, prev.imageName);
    const ok = await runCli(['archive', 'verify', v2.imagePath, '--previous', prevImage]);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining(`follows volume ${prev.volume}`)]);

    // Volume 1 given where the chain expects its successor: what an auditor sees when a volume was removed.
    const three = await escrowedCards(hsm, 1);
    expect(three).toHaveLength(1);
    const v3r = await runCli(['archive', 'seal', '--out', cliDir, '--json']);
    const v3 = JSON.parse(v3r.stdout) as typeof v2;
    const gap = await runCli(['archive', 'verify', v3.imagePath, '--previous', prevImage]);
    expect(gap.code).toBe(1);
    expect(gap.stdout).toContain(`volume ${v3.volume - 1} is missing from the chain`);
    const check = await runCli(['archive', 'volumes', '--check']);
    expect(check.code).toBe(0);
  });

  it('recovery reads a VSC back from the online escrow and from the image, byte for byte, and it opens through the recovery path', async () => {
    const svc = api.app.get(ArchiveRecoveryService);
    const card = first[2];
    const escrow = await svc.readVsc({ vscId: card.vscId, version: 1 }, 'escrow');
    const archived = await svc.readVsc({ vscId: card.vscId, version: 1 }, 'archive');
    expect(escrow).toMatchObject({ source: 'escrow', sha256: card.sha256 });
    expect(archived).toMatchObject({ source: 'archive', sha256: card.sha256, volume: v1.volume });
    expect(archived.content.equals(card.content)).toBe(true);
    expect(escrow.content.equals(card.content)).toBe(true);
    const deps = { protector: new HsmKeyProtector(hsm) };
    await expect(VirtualSmartCard.check(archived.content, deps)).resolves.toMatchObject({ id: card.vscId, version: 1 });
    const vsc = await VirtualSmartCard.load(archived.content, deps);
    await vsc.openWithRecovery();
    expect(vsc.hasPrivateKey(0x9d)).toBe(true);
    vsc.close();

    // Offline, from the image alone.
    const out = join(scratch, 'extracted.vsc');
    const x = await runCli(['archive', 'extract', v1.image, '--vsc', card.vscId, '--version', '1', '--out', out]);
    expect(x.code).toBe(0);
    expect(readFileSync(out).equals(card.content)).toBe(true);

    // A version in no volume is not found in the archive; the escrow still has it.
    const late = await escrowedCards(hsm, 1);
    await expect(svc.readVsc({ vscId: late[0].vscId, version: 1 }, 'archive')).rejects.toMatchObject({ code: 'archive.not-found' });
    await expect(svc.readVsc({ vscId: late[0].vscId, version: 1 })).resolves.toMatchObject({ source: 'escrow' });
  });
});

function x509Pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Read-only images: make them removable for clean-up. */
function chmodTree(dir: string): void {
  try {
    for (const n of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, n.name);
      if (n.isDirectory()) chmodTree(p);
      else chmodSync(p, 0o644);
    }
  } catch {
    // nothing to do
  }
}
