import { createPublicKey, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { KeyAlgorithm, SoftPivBackend, type EmulatedCard } from '@scm/card-engine';
import { expectOk, insertTestCard, OPENSC_PKCS11, removeTestCard, runTool, testReader, withTempDir, type ToolResult } from './support';

// jest's testTimeout is a global option, so the integration project's value does not reach here.
jest.setTimeout(120000);
/**
 * The software PIV card against the independent clients, through the real pcscd + vpcd of test
 * workstation 3: yubico-piv-tool personalises it, OpenSC lists and signs, openssl verifies.
 * The steps share one card and run in order.
 */
describe('software PIV card with yubico-piv-tool, OpenSC and openssl (pcscd + vpcd)', () => {
  const reader = testReader(3, 0);
  const SERIAL = 5550001;
  const NEW_PIN = '654321';
  const NEW_PUK = '87654321';
  const NEW_MGM = '0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080';
  const RSA_CN = 'SCM interop RSA 9A';
  let backend: SoftPivBackend;
  let card: EmulatedCard | undefined;
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let pin = '123456';

  const ykpiv = (...args: string[]): Promise<ToolResult> =>
    runTool('yubico-piv-tool', [`-r${reader.name}`, ...args], { reader, cwd: tmp.dir });
  const openssl = async (...args: string[]): Promise<ToolResult> =>
    expectOk(await runTool('openssl', args, { cwd: tmp.dir }), `openssl ${args[0]}`);
  const pkcs11Sign = (id: string, mech: string, out: string, extra: string[] = []): Promise<ToolResult> =>
    runTool(
      'pkcs11-tool',
      [
        '--module',
        OPENSC_PKCS11,
        '--token-label',
        RSA_CN,
        '--login',
        '--pin',
        pin,
        '--sign',
        '--id',
        id,
        '-m',
        mech,
        ...extra,
        '-i',
        'data.txt',
        '-o',
        out,
      ],
      { reader, cwd: tmp.dir },
    );
  /** openssl dgst -verify with the public key of a certificate; true when it prints "Verified OK". */
  const verifies = async (certFile: string, sigFile: string, dataFile = 'data.txt'): Promise<boolean> => {
    const pub = `${certFile}.pub.pem`;
    await openssl('x509', '-in', certFile, '-pubkey', '-noout', '-out', pub);
    const r = await runTool('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sigFile, dataFile], { cwd: tmp.dir });
    return r.code === 0 && r.stdout.includes('Verified OK');
  };

  beforeAll(async () => {
    tmp = await withTempDir();
    await openssl('genrsa', '-out', 'rsa.key', '2048');
    await openssl('req', '-x509', '-new', '-key', 'rsa.key', '-subj', `/CN=${RSA_CN}`, '-days', '30', '-out', 'rsa.crt');
    await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.key');
    await openssl('req', '-x509', '-new', '-key', 'ec.key', '-subj', '/CN=SCM interop EC 9C', '-days', '30', '-out', 'ec.crt');
    await writeFile(tmp.path('data.txt'), 'signed by the software PIV card\n');
    await writeFile(tmp.path('other.txt'), 'not what was signed\n');
    backend = new SoftPivBackend({ serial: SERIAL });
    card = await insertTestCard(reader, { backend });
  });

  afterAll(async () => {
    await removeTestCard(reader, card);
    await tmp?.cleanup();
  });

  it('looks like a YubiKey 5 to yubico-piv-tool: version, serial, 3 PIN tries', async () => {
    const r = expectOk(await ykpiv('-astatus'), 'status');
    expect(r.stdout).toMatch(/Version:\s+5\.4\.3/);
    expect(r.stdout).toMatch(new RegExp(`Serial Number:\\s+${SERIAL}\\b`));
    expect(r.stdout).toMatch(/PIN tries left:\s+3/);
    expect(r.stdout).toMatch(/CHUID:\s+No data available/);
  });

  it('takes an RSA-2048 key and certificate into 9A and a P-256 key and certificate into 9C', async () => {
    expectOk(await ykpiv('-aimport-key', '-s9a', '-irsa.key'), 'import-key 9a');
    expectOk(await ykpiv('-aimport-certificate', '-s9a', '-irsa.crt'), 'import-certificate 9a');
    expectOk(await ykpiv('-aimport-key', '-s9c', '-iec.key', '--pin-policy=always', '--touch-policy=never'), 'import-key 9c');
    expectOk(await ykpiv('-aimport-certificate', '-s9c', '-iec.crt'), 'import-certificate 9c');

    const k9a = await backend.getKey(0x9a);
    expect(k9a?.algorithm).toBe(KeyAlgorithm.RSA2048);
    expect(k9a?.origin).toBe('imported');
    const cert9a = new X509Certificate(await readFile(tmp.path('rsa.crt')));
    expect(k9a?.publicKey.export({ format: 'der', type: 'spki' })).toEqual(cert9a.publicKey.export({ format: 'der', type: 'spki' }));
    const k9c = await backend.getKey(0x9c);
    expect(k9c?.algorithm).toBe(KeyAlgorithm.P256);
    expect(k9c?.policy).toEqual({ pin: 3, touch: 1 });
    const ecPub = createPublicKey(await readFile(tmp.path('ec.key')));
    expect(k9c?.publicKey.export({ format: 'der', type: 'spki' })).toEqual(ecPub.export({ format: 'der', type: 'spki' }));

    const s = expectOk(await ykpiv('-astatus'), 'status').stdout;
    expect(s).toMatch(/Slot 9a:\s+Algorithm:\s+RSA2048\s+Subject DN:\s+CN=SCM interop RSA 9A/);
    expect(s).toMatch(/Slot 9c:\s+Algorithm:\s+ECCP256\s+Subject DN:\s+CN=SCM interop EC 9C/);
  });

  it('gets a CHUID and a CCC from yubico-piv-tool', async () => {
    expectOk(await ykpiv('-aset-chuid', '-aset-ccc'), 'set-chuid set-ccc');
    const s = expectOk(await ykpiv('-astatus'), 'status').stdout;
    // ykpiv's FASC-N template, then a GUID (34 10) and the expiry 20300101.
    expect(s).toMatch(/CHUID:\s+3019d4e739da739ced39ce739d836858210842108421c84210c3eb3410[0-9a-f]{32}350832303330303130313e00fe00/);
    expect(s).toMatch(/CCC:\s+f015a000000116ff02[0-9a-f]{28}f10121f20121f300f40100f50110f600f700fa00fb00fc00fd00fe00/);
    expect(await backend.getObject(0x5fc102)).toBeDefined();
  });

  it('shows both certificates to OpenSC pkcs15-tool, byte for byte', async () => {
    const list = expectOk(await runTool('pkcs15-tool', ['--reader', reader.name, '--list-certificates'], { reader }), 'pkcs15-tool').stdout;
    expect(list).toMatch(/X\.509 Certificate \[Certificate for PIV Authentication\][\s\S]*?ID\s+:\s+01/);
    expect(list).toMatch(/X\.509 Certificate \[Certificate for Digital Signature\][\s\S]*?ID\s+:\s+02/);
    for (const [id, file] of [
      ['01', 'rsa.crt'],
      ['02', 'ec.crt'],
    ]) {
      const read = expectOk(
        await runTool('pkcs15-tool', ['--reader', reader.name, '--read-certificate', id], { reader }),
        `read-certificate ${id}`,
      );
      const original = new X509Certificate(await readFile(tmp.path(file)));
      expect(new X509Certificate(read.stdout).raw).toEqual(original.raw);
    }
  });

  it('signs with 9A through pkcs11-tool (SHA256-RSA-PKCS) and openssl accepts the signature', async () => {
    expectOk(await pkcs11Sign('01', 'SHA256-RSA-PKCS', 'sig9a.bin'), 'pkcs11-tool sign 9a');
    expect(await verifies('rsa.crt', 'sig9a.bin')).toBe(true);
    // The check can fail: the same signature does not verify other data or another key.
    expect(await verifies('rsa.crt', 'sig9a.bin', 'other.txt')).toBe(false);
    expect(await verifies('ec.crt', 'sig9a.bin')).toBe(false);
  });

  it('signs with 9C through pkcs11-tool (ECDSA-SHA256, PIN always) and openssl accepts the signature', async () => {
    expectOk(await pkcs11Sign('02', 'ECDSA-SHA256', 'sig9c.bin', ['--signature-format', 'openssl']), 'pkcs11-tool sign 9c');
    expect(await verifies('ec.crt', 'sig9c.bin')).toBe(true);
    expect(await verifies('ec.crt', 'sig9c.bin', 'other.txt')).toBe(false);
  });

  it('refuses to sign with a wrong PIN and counts it', async () => {
    const saved = pin;
    pin = '999999';
    const r = await pkcs11Sign('01', 'SHA256-RSA-PKCS', 'bad.bin');
    pin = saved;
    expect(r.code).not.toBe(0);
    expect((await backend.retryState(0x80)).remaining).toBe(2);
    expectOk(await ykpiv('-averify-pin', `-P${pin}`), 'verify-pin');
    expect((await backend.retryState(0x80)).remaining).toBe(3);
  });

  it('changes the PIN and the PUK with yubico-piv-tool', async () => {
    expectOk(await ykpiv('-achange-pin', `-P${pin}`, `-N${NEW_PIN}`), 'change-pin');
    const old = await ykpiv('-averify-pin', `-P${pin}`);
    expect(old.code).not.toBe(0);
    expect(old.stderr + old.stdout).toMatch(/2 tries left/);
    pin = NEW_PIN;
    expectOk(await ykpiv('-averify-pin', `-P${pin}`), 'verify new pin');

    expectOk(await ykpiv('-achange-puk', '-P12345678', `-N${NEW_PUK}`), 'change-puk');
    const oldPuk = await ykpiv('-aunblock-pin', '-P12345678', '-N111111');
    expect(oldPuk.code).not.toBe(0);
    expectOk(await ykpiv('-aunblock-pin', `-P${NEW_PUK}`, `-N${pin}`), 'unblock-pin with the new PUK');
    expect(await backend.retryState(0x81)).toEqual({ total: 3, remaining: 3, isDefault: false });
    expect(await backend.retryState(0x80)).toEqual({ total: 3, remaining: 3, isDefault: false });
  });

  it('sets a new management key; the old one stops working', async () => {
    expectOk(await ykpiv('-aset-mgm-key', `-n${NEW_MGM}`), 'set-mgm-key');
    expect((await backend.managementKey()).isDefault).toBe(false);
    const withOld = await ykpiv('-aset-chuid');
    expect(withOld.code).not.toBe(0);
    expect(withOld.stderr).toMatch(/authentication/i);
    expectOk(await ykpiv(`--key=${NEW_MGM}`, '-aset-ccc'), 'set-ccc with the new key');
  });

  it('generates P-256 in 9E and RSA-2048 in 9D; certified by openssl, they sign and decrypt', async () => {
    expectOk(await ykpiv(`--key=${NEW_MGM}`, '-agenerate', '-s9e', '-AECCP256', '-ogen9e.pub'), 'generate 9e');
    expectOk(await ykpiv(`--key=${NEW_MGM}`, '-agenerate', '-s9d', '-ARSA2048', '-ogen9d.pub'), 'generate 9d');
    expect((await backend.getKey(0x9e))?.origin).toBe('generated');
    const pub9e = createPublicKey(await readFile(tmp.path('gen9e.pub')));
    expect((await backend.getKey(0x9e))?.publicKey.export({ format: 'der', type: 'spki' })).toEqual(
      pub9e.export({ format: 'der', type: 'spki' }),
    );
    for (const slot of ['9e', '9d']) {
      await openssl(
        'x509',
        '-new',
        '-force_pubkey',
        `gen${slot}.pub`,
        '-subj',
        `/CN=SCM interop ${slot}`,
        '-key',
        'rsa.key',
        '-days',
        '30',
        '-out',
        `gen${slot}.crt`,
      );
      expectOk(await ykpiv(`--key=${NEW_MGM}`, '-aimport-certificate', `-s${slot}`, `-igen${slot}.crt`), `import-certificate ${slot}`);
    }
    const sig = expectOk(await ykpiv('-averify-pin', `-P${pin}`, '-atest-signature', '-s9e', '-igen9e.crt'), 'test-signature 9e');
    expect(sig.stderr + sig.stdout).toMatch(/Successful ECDSA verification/);
    const dec = expectOk(await ykpiv('-averify-pin', `-P${pin}`, '-atest-decipher', '-s9d', '-igen9d.crt'), 'test-decipher 9d');
    expect(dec.stderr + dec.stdout).toMatch(/Successfully performed RSA decryption/);
    // And through OpenSC: card authentication key 9E is object 04.
    expectOk(await pkcs11Sign('04', 'ECDSA-SHA256', 'sig9e.bin', ['--signature-format', 'openssl']), 'pkcs11-tool sign 9e');
    expect(await verifies('gen9e.crt', 'sig9e.bin')).toBe(true);
  });

  it('attests the generated 9E key: yubico-piv-tool attest, checked by openssl against the F9 certificate', async () => {
    const att = expectOk(await ykpiv('-aattest', '-s9e'), 'attest 9e');
    await writeFile(tmp.path('att9e.pem'), att.stdout);
    const f9 = expectOk(await ykpiv('-aread-certificate', '-sf9'), 'read-certificate f9');
    await writeFile(tmp.path('f9.pem'), f9.stdout);
    const ok = await runTool('openssl', ['verify', '-CAfile', 'f9.pem', 'att9e.pem'], { cwd: tmp.dir });
    expect(ok.stdout).toContain('att9e.pem: OK');
    const cert = new X509Certificate(att.stdout);
    expect(cert.subject).toBe('CN=YubiKey PIV Attestation 9e');
    expect(cert.publicKey.export({ format: 'der', type: 'spki' })).toEqual(
      createPublicKey(await readFile(tmp.path('gen9e.pub'))).export({ format: 'der', type: 'spki' }),
    );
    // Imported keys are not attested.
    expect((await ykpiv('-aattest', '-s9a')).code).not.toBe(0);
  });

  it('reads everything back in status and in OpenSC', async () => {
    const s = expectOk(await ykpiv('-astatus'), 'status').stdout;
    for (const slot of ['9a', '9c', '9d', '9e']) expect(s).toMatch(new RegExp(`Slot ${slot}:`));
    const list = expectOk(await runTool('pkcs15-tool', ['--reader', reader.name, '--list-certificates'], { reader }), 'pkcs15-tool').stdout;
    expect(list.match(/X\.509 Certificate/g)).toHaveLength(4);
  });

  it('sets PIN and PUK retries, and resets the card once both are blocked', async () => {
    expectOk(
      await ykpiv(`--key=${NEW_MGM}`, '-averify-pin', `-P${pin}`, '-apin-retries', '--pin-retries=4', '--puk-retries=2'),
      'pin-retries',
    );
    expect(await backend.retryState(0x80)).toEqual({ total: 4, remaining: 4, isDefault: true });
    expect(await backend.retryState(0x81)).toEqual({ total: 2, remaining: 2, isDefault: true });
    expectOk(await ykpiv('-averify-pin', '-P123456'), 'verify the default PIN');
    expect((await ykpiv('-areset')).code).not.toBe(0);
    for (let i = 0; i < 4; i++) await ykpiv('-averify-pin', '-P000000');
    for (let i = 0; i < 2; i++) await ykpiv('-aunblock-pin', '-P00000000', '-N222222');
    expect((await backend.retryState(0x80)).remaining).toBe(0);
    expect((await backend.retryState(0x81)).remaining).toBe(0);
    expectOk(await ykpiv('-areset'), 'reset');
    expect(await backend.getKey(0x9a)).toBeUndefined();
    const s = expectOk(await ykpiv('-astatus'), 'status').stdout;
    expect(s).not.toMatch(/Slot 9a:/);
    expect(s).toMatch(/PIN tries left:\s+3/);
    expect((await backend.managementKey()).isDefault).toBe(true);
  });
});
