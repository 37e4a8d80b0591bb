import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { padPin } from '../crypto/pin-hash';
import { KeyAlgorithm, MgmAlgorithm, TouchPolicy } from '../piv.constants';
import { FilePivBackend } from './file-piv-backend';

describe('FilePivBackend', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scm-file-card-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a blank card file (0600, no PIN in clear) and reopens it with every change', async () => {
    const path = join(dir, 'card.json');
    const card = await FilePivBackend.open(path, { serial: 424242 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).not.toMatch(/313233343536/);

    expect(await card.changeReference(0x80, padPin('123456'), padPin('13572468'))).toEqual({ ok: true });
    expect(await card.verifyReference(0x81, padPin('00000000'))).toEqual({ ok: false, remaining: 2 });
    await card.putObject(0x5fc102, Uint8Array.of(1, 2, 3));
    await card.setManagementKey(MgmAlgorithm.AES128, new Uint8Array(16).fill(7), TouchPolicy.NEVER);
    const info = await card.generateKey(0x9e, KeyAlgorithm.P256, { pin: 1, touch: 1 });
    await card.flush();
    expect(await readdir(dir)).toEqual(['card.json']);

    const again = await FilePivBackend.open(path);
    expect(again.identity.serial).toBe(424242);
    expect(await again.verifyReference(0x80, padPin('13572468'))).toEqual({ ok: true });
    expect(await again.retryState(0x81)).toEqual({ total: 3, remaining: 2, isDefault: true });
    expect(await again.getObject(0x5fc102)).toEqual(Uint8Array.of(1, 2, 3));
    const mgm = await again.managementKey();
    expect([mgm.algorithm, mgm.isDefault]).toEqual([MgmAlgorithm.AES128, false]);
    const k = await again.getKey(0x9e);
    expect(k?.origin).toBe('generated');
    expect(k?.publicKey.export({ format: 'der', type: 'spki' })).toEqual(info.publicKey.export({ format: 'der', type: 'spki' }));
    // The reopened card signs with the same key.
    const sig = await again.privateOperation(0x9e, { kind: 'ecdsa', hash: new Uint8Array(32).fill(1) });
    expect(sig[0]).toBe(0x30);
  });

  it('refuses a file that is not a card state, and a serial that contradicts the file', async () => {
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"hello":1}');
    await expect(FilePivBackend.open(junk)).rejects.toThrow(/not a software PIV card state file/);
    const path = join(dir, 'card.json');
    await FilePivBackend.open(path, { serial: 5 });
    await expect(FilePivBackend.open(path, { serial: 6 })).rejects.toThrow(/serial 5, not 6/);
  });
});
