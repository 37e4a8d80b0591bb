import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupErrorCode, checkBackup, createBackup, findTokenDir, restoreBackup } from './backup-bundle';

describe('backup bundle (token files; the database half runs in test/archive/drill.test.ts)', () => {
  let dir: string;
  const pass = 'a passphrase of some length';
  const secretish = Buffer.from('TOKEN-OBJECT-BYTES '.repeat(20));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scm-backup-spec-'));
    const tokens = join(dir, 'tokens', 'aaaa-token');
    mkdirSync(tokens, { recursive: true });
    writeFileSync(join(tokens, 'token.object'), Buffer.concat([Buffer.from('label:'), Buffer.from('scm-spec'.padEnd(32, ' ')), secretish]));
    writeFileSync(join(tokens, 'key-1.object'), secretish);
    mkdirSync(join(dir, 'tokens', 'other'));
    writeFileSync(join(dir, 'tokens', 'other', 'token.object'), Buffer.from('scm-spec-longer'.padEnd(32, ' ')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a token by its padded label, not by a prefix of another', () => {
    expect(findTokenDir(join(dir, 'tokens'), 'scm-spec')).toBe('aaaa-token');
    expect(findTokenDir(join(dir, 'tokens'), 'scm')).toBeUndefined();
  });

  it('writes every part encrypted with a manifest; restores byte for byte; refuses an existing token', async () => {
    const out = join(dir, 'out');
    const { dir: b, manifest } = await createBackup({
      outDir: out,
      passphrase: pass,
      token: { label: 'scm-spec', tokenDir: join(dir, 'tokens') },
    });
    expect(manifest.parts.map((p) => p.name).sort()).toEqual(['key-1.object', 'token.object']);
    for (const f of readdirSync(b)) expect(readFileSync(join(b, f)).includes(secretish.subarray(0, 40))).toBe(false);
    await expect(checkBackup(b, pass)).resolves.toMatchObject({ hsm: { tokenLabel: 'scm-spec' } });

    const target = join(dir, 'restored');
    mkdirSync(target);
    const r = await restoreBackup(b, { passphrase: pass, tokenDir: target });
    expect(readFileSync(join(r.tokenDir!, 'key-1.object')).equals(secretish)).toBe(true);
    await expect(restoreBackup(b, { passphrase: pass, tokenDir: target })).rejects.toMatchObject({ code: BackupErrorCode.TokenExists });
    await expect(restoreBackup(b, { passphrase: pass, tokenDir: target, force: true })).resolves.toBeDefined();
  });

  it('refuses another passphrase, a short one, a changed part and a changed manifest', async () => {
    const { dir: b } = await createBackup({
      outDir: join(dir, 'out2'),
      passphrase: pass,
      token: { label: 'scm-spec', tokenDir: join(dir, 'tokens') },
    });
    await expect(checkBackup(b, 'another passphrase here')).rejects.toMatchObject({ code: BackupErrorCode.NotAuthentic });
    await expect(checkBackup(b, 'short')).rejects.toMatchObject({ code: BackupErrorCode.WeakPassphrase });
    const part = join(b, 'hsm-key-1.object.enc');
    const bytes = readFileSync(part);
    bytes[5] ^= 1;
    writeFileSync(part, bytes);
    await expect(checkBackup(b, pass)).rejects.toMatchObject({ code: BackupErrorCode.Damaged });
    bytes[5] ^= 1;
    writeFileSync(part, bytes);
    const m = join(b, 'MANIFEST.json');
    const text = readFileSync(m, 'utf8');
    writeFileSync(m, text.replace('"tokenLabel": "scm-spec"', '"tokenLabel": "scm-spex"'));
    await expect(checkBackup(b, pass)).rejects.toMatchObject({ code: BackupErrorCode.NotAuthentic });
    writeFileSync(m, text);
    await expect(checkBackup(b, pass)).resolves.toBeDefined();
  });
});
