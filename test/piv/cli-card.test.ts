/** bin/scm card show and bin/scm readers against a software card personalised by the PIV agent (pcscd+vpcd). */
import type { EmulatedCard } from '@scm/card-engine';
import { ALGORITHM, DEFAULTS, PivSession, SLOT, SoftwareManagementKey, uuidToGuid } from '@scm/piv';
import { runCli, testWorkstations } from '@scm/test-kit';
import { certificateFor } from './piv-fixtures';
import { insertSoftCard, openChannel, readerName, settleRemoval } from './pcsc-harness';

jest.setTimeout(120_000);

const ws = testWorkstations()[3];

describe('scm card show / scm readers', () => {
  let card: EmulatedCard;

  beforeAll(async () => {
    card = await insertSoftCard(ws, 0, { serial: 9090909 });
    const ch = await openChannel(ws, 0);
    try {
      const s = await PivSession.open(ch, { atr: new Uint8Array(Buffer.from(ch.atr, 'hex')) });
      await s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY));
      const pub = await s.generateKey(SLOT.AUTHENTICATION, ALGORITHM.ECCP256);
      await s.writeCertificate(SLOT.AUTHENTICATION, await certificateFor(pub.spki, 'CN=Grace Hopper,O=SCM Test'));
      await s.generateKey(SLOT.KEY_MANAGEMENT, ALGORITHM.RSA2048);
      await s.writeChuid({ guid: uuidToGuid('11111111-2222-4333-8444-555555555555') });
      await expect(s.verifyPin('999999')).rejects.toThrow('2 tries left');
    } finally {
      await ch.close();
    }
  });

  afterAll(async () => {
    await card.remove();
    await settleRemoval(ws, [0]);
  });

  it('card show --json: identity, tries left (none spent), slots with certificate and key type', async () => {
    const args = ['card', 'show', '--reader', readerName(0), '--workstation', String(ws.id), '--json'];
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      type: 'piv',
      identity: { serial: 9090909, guid: '11111111-2222-4333-8444-555555555555' },
      pin: { retriesLeft: 2, blocked: false, verified: false },
      puk: { retriesLeft: 3 },
      managementKey: { algorithm: '3DES', isDefault: true },
    });
    expect(out.slots).toEqual([
      expect.objectContaining({
        slot: '9A',
        keyType: 'P-256',
        origin: 'generated',
        certificate: expect.objectContaining({ subject: 'CN=Grace Hopper, O=SCM Test', keyType: 'P-256' }),
      }),
      expect.objectContaining({ slot: '9D', keyType: 'RSA-2048', origin: 'generated' }),
    ]);
    expect(out.slots[1].certificate).toBeUndefined();
    // Showing twice spends nothing.
    const again = JSON.parse((await runCli(args)).stdout);
    expect(again.pin.retriesLeft).toBe(2);
  });

  it('card show as text', async () => {
    const r = await runCli(['card', 'show', '--reader', readerName(0), '--workstation', String(ws.id)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Serial\s+9090909$/m);
    expect(r.stdout).toMatch(/^PIN\s+2 tries left$/m);
    expect(r.stdout).toMatch(/^9A\s+P-256\s+generated\s+\S+\s+CN=Grace Hopper, O=SCM Test\s+\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d$/m);
  });

  it('card show on an empty reader fails clearly', async () => {
    const r = await runCli(['card', 'show', '--reader', readerName(1), '--workstation', String(ws.id)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no card in the reader|timed out|unknown/i);
  });

  it('readers shows card type and serial', async () => {
    const r = await runCli(['readers', '--workstation', String(ws.id), '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.find((x: { name: string }) => x.name === readerName(0))).toMatchObject({
      cardPresent: true,
      cardType: 'piv',
      serial: '9090909',
    });
    expect(list.find((x: { name: string }) => x.name === readerName(1))).toMatchObject({ cardPresent: false });
    const text = await runCli(['readers', '--workstation', String(ws.id)]);
    expect(text.stdout).toMatch(/Virtual PCD 00 00\s+yes\s+PIV \(YubiKey 5[\d.]*\)\s+9090909\s+3BFD/);
  });
});
