import { readFile, writeFile } from 'node:fs/promises';
import type { HsmContext } from '@scm/hsm';
import { HsmKeyProtector, VirtualSmartCard, VscError, VscErrorCode, openRecoverySlot, parseVscFile, type VscDeps } from '@scm/vsc';
import { withTempDir } from '../card-engine/support';
import { hsmDeps, LogBook, ok, openTestHsm } from './support';

jest.setTimeout(120000);

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

/** The VSC crypto on the real HSM (SoftHSM2 token of the sandbox), with the production KDF (Argon2id 64 MiB, t=3). */
describe('VSC keys in the HSM', () => {
  let hsm: HsmContext;
  let deps: VscDeps;
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  const log = new LogBook();

  beforeAll(async () => {
    tmp = await withTempDir();
    hsm = openTestHsm();
    deps = await hsmDeps(hsm);
  });

  afterAll(async () => {
    hsm?.close();
    await tmp?.cleanup();
  });

  it('keeps the KEK and the recovery key non-extractable and sensitive, and init-keys never replaces them', async () => {
    const keys = (await hsm.listKeys()).filter((k) => ['scm-vsc-kek', 'scm-recovery'].includes(k.ref.label));
    expect(keys.map((k) => [k.ref.label, k.algorithm, k.extractable, k.sensitive])).toEqual([
      ['scm-recovery', 'AES-256', false, true],
      ['scm-vsc-kek', 'HMAC-SHA-256', false, true],
    ]);
    const again = await HsmKeyProtector.provision(hsm);
    expect(again.every((r) => !r.created)).toBe(true);
    expect(ok(await log.scm(['vsc', 'init-keys']), 'init-keys').stdout).toMatch(/scm-vsc-kek\/1: present\nscm-recovery\/1: present/);
  });

  it('counts wrong PINs and blocks after three, through the cardholder path in the HSM; an officer unblocks', async () => {
    const created = await VirtualSmartCard.create({ serial: '00000042', pin: '314159' }, deps);
    expect(created.currentHeader.kdf).toEqual({ algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 });
    let file = await created.toStandaloneFile();
    const sink = async (): Promise<void> => undefined;
    const vsc = await VirtualSmartCard.load(file, deps, { sink });
    for (const remaining of [2, 1]) {
      const e = await caught(vsc.verifyPin('000000'));
      expect((e as VscError).code).toBe(VscErrorCode.WrongPin);
      expect((e as VscError).meta.remaining).toBe(remaining);
    }
    expect(((await caught(vsc.verifyPin('000000'))) as VscError).code).toBe(VscErrorCode.PinBlocked);
    expect(((await caught(vsc.verifyPin('314159'))) as VscError).code).toBe(VscErrorCode.PinBlocked);
    file = await vsc.toStandaloneFile();
    const officer = await VirtualSmartCard.load(file, deps);
    expect(officer.state.pin.remaining).toBe(0);
    await officer.openWithRecovery();
    await officer.setPin('271828');
    const holder = await VirtualSmartCard.load(await officer.toStandaloneFile(), deps);
    await holder.verifyPin('271828');
    expect(holder.state.pin.remaining).toBe(3);
  });

  it('without the HSM, a right and a wrong PIN fail identically and nothing is counted', async () => {
    const other = openTestHsm();
    const otherDeps: VscDeps = { protector: new HsmKeyProtector(other) };
    const created = await VirtualSmartCard.create({ pin: '314159' }, deps);
    const vsc = await VirtualSmartCard.load(await created.toStandaloneFile(), otherDeps);
    other.close();
    const right = await caught(vsc.verifyPin('314159'));
    const wrong = await caught(vsc.verifyPin('000000'));
    expect((right as { code?: string }).code).toBe('hsm.unavailable');
    expect((wrong as Error).message).toBe((right as Error).message);
    expect((wrong as { code?: string }).code).toBe((right as { code?: string }).code);
    expect(vsc.state.pin.remaining).toBe(3);

    // The same through bin/scm with the HSM module out of reach: same message, same exit code.
    const path = tmp.path('nohsm.vsc');
    await writeFile(path, await created.toStandaloneFile());
    await writeFile(tmp.path('d.txt'), 'x');
    const env = (pw: string): Record<string, string> => ({ SCM_VSC_PASSWORD: pw, SCM_PKCS11_MODULE: '/usr/lib/softhsm/not-here.so' });
    const args = ['vsc', 'sign', path, '--slot', '9a', '--in', tmp.path('d.txt'), '--out', tmp.path('d.sig')];
    const a = await log.scm(args, { env: env('314159') });
    const b = await log.scm(args, { env: env('000000') });
    expect(a.code).not.toBe(0);
    expect([b.code, b.stderr]).toEqual([a.code, a.stderr]);
    expect(a.stderr).toMatch(/cannot load the PKCS#11 module \/usr\/lib\/softhsm\/not-here\.so/);
  });

  it('says clearly when the HSM or its token is missing', async () => {
    const path = tmp.path('a.vsc');
    await writeFile(path, await (await VirtualSmartCard.create({ kind: 'escrow' }, deps)).toStandaloneFile());
    const noToken = await log.scm(['vsc', 'check', path], { env: { SCM_PKCS11_TOKEN_LABEL: 'no-such-token' } });
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr).toMatch(/no token labelled "no-such-token"/);
    expect(ok(await log.scm(['vsc', 'check', path]), 'check').stdout).toMatch(/OK \(standalone/);
  });

  it('rejects a recovery slot that does not open under the HSM recovery key (even with a valid seal)', async () => {
    const vsc = await VirtualSmartCard.create({ kind: 'escrow' }, deps);
    const content = Buffer.from(await vsc.seal());
    const parsed = parseVscFile(content).content;
    const slot = parsed.slots[0];
    const at = content.indexOf(Buffer.from(slot.wrapped));
    content[at] ^= 0x01;
    const protector = new HsmKeyProtector(hsm);
    const mac = await protector.mac(parsed.header.keys.kek, 'seal', content.subarray(0, parsed.seal.input.length));
    mac.copy(content, content.length - 32);
    const e = await caught(VirtualSmartCard.check(content, deps));
    expect(e).toBeInstanceOf(VscError);
    expect((e as VscError).code).toBe(VscErrorCode.RecoverySlot);
    expect((e as VscError).message).toMatch(/recovery slot does not open with recovery key scm-recovery v1/);
    // And a file protected by keys this HSM does not hold is rejected as such.
    const foreign = await readFile(tmp.path('a.vsc'));
    const renamed = Buffer.from(foreign.toString('latin1').replace('scm-vsc-kek', 'scm-vsc-kex'), 'latin1');
    const f = await caught(VirtualSmartCard.check(renamed, deps));
    expect((f as VscError).code).toBe(VscErrorCode.UnknownKey);
  });

  it('a PUK unblock seals the next version under a fresh content key; the old version opens through the recovery key; every VERIFY runs the full path', async () => {
    const created = await VirtualSmartCard.create({ serial: '00000043', pin: '271828', puk: '11223344' }, deps);
    created.putData({ name: 'account number', area: 'private', value: Buffer.from('0012345678') });
    const v1 = await created.seal();
    const vsc = await VirtualSmartCard.load(v1, deps);
    await vsc.enable();
    await vsc.unblockWithPuk('11223344', '161803');
    const v2 = await vsc.seal();
    const cek1 = await openRecoverySlot(parseVscFile(v1).content, deps.protector);
    const cek2 = await openRecoverySlot(parseVscFile(v2).content, deps.protector);
    expect(cek1.equals(cek2)).toBe(false);
    const old = await VirtualSmartCard.load(v1, deps);
    await old.openWithRecovery();
    const acct = old.getObject('account number');
    expect(acct?.kind === 'data' && Buffer.from(acct.value).toString()).toBe('0012345678');

    const current = await VirtualSmartCard.load(v2, deps);
    await current.enable();
    expect(((await caught(current.verifyPin('271828'))) as VscError).code).toBe(VscErrorCode.WrongPin);
    await current.verifyPin('161803');
    // Open already: the next VERIFYs still cost Argon2id (64 MiB, t=3) and an HMAC in the HSM.
    const runs = 3;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await current.verifyPin('161803');
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
    process.stdout.write(`VERIFY of an open VSC (Argon2id 64 MiB t=3 + KEK HMAC in SoftHSM2): ${ms.toFixed(0)} ms\n`);
    expect(ms).toBeGreaterThan(20);
    expect(((await caught(current.verifyPin('000000'))) as VscError).code).toBe(VscErrorCode.WrongPin);
  });
});
