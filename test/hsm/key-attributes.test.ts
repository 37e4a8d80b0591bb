import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { runCli } from '@scm/test-kit';
import {
  checkKeyObject,
  mechanismName,
  pairProfile,
  parseKeyLabel,
  profilePolicy,
  SCM_HSM_KEYS,
  type HsmKeyObjectInfo,
  type KeyObjectClass,
  type SigningKeyAlgorithm,
} from '@scm/hsm';
import { SOFTHSM_MODULE } from './support/settings';

/**
 * Every key SCM creates in the HSM has the attributes of the one table (libs/hsm/src/key-policy.ts):
 * on a fresh SoftHSM2 token (its own SOFTHSM2_CONF, in a child process), every init-keys runs, then
 * every key object on the token is listed and compared with the table; a mechanism outside a key's
 * CKA_ALLOWED_MECHANISMS is refused by the HSM.
 */
describe('HSM key attributes after init-keys', () => {
  const root = mkdtempSync(join(tmpdir(), 'scm-hsm-attr-'));
  const label = 'scm-attr-test';
  const pin = randomBytes(8).toString('hex');
  let result: {
    ok: boolean;
    message?: string;
    first: string[];
    second: string[];
    objects: HsmKeyObjectInfo[];
    negative: Record<string, string>;
    pukRoundTrip: boolean;
    hmacOk: boolean;
  };

  /** A fresh token (its own SOFTHSM2_CONF) and the probe run on it in a child process. */
  async function runProbe(name: string, extra: Record<string, string> = {}): Promise<typeof result> {
    const dir = join(root, name);
    const conf = join(dir, 'softhsm2.conf');
    mkdirSync(join(dir, 'tokens'), { recursive: true });
    writeFileSync(
      conf,
      `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
    );
    const env = { ...process.env, SOFTHSM2_CONF: conf };
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', randomBytes(8).toString('hex'), '--pin', pin], {
      env,
      stdio: 'ignore',
    });
    const support = join(__dirname, 'support');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(support, 'run-ts.js'), join(support, 'init-keys-probe.ts')], {
        cwd: join(__dirname, '..', '..'),
        env: { ...env, PROBE_MODULE: SOFTHSM_MODULE, PROBE_TOKEN: label, PROBE_PIN: pin, ...extra },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let s = '';
      child.stdout.on('data', (d: Buffer) => (s += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(s));
    });
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as typeof result;
    if (!r.ok) throw new Error(`init-keys probe failed: ${r.message ?? out}`);
    return r;
  }

  beforeAll(async () => {
    result = await runProbe('fresh');
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** What the table says each object of a key must be. */
  function expected(o: HsmKeyObjectInfo): { keyType: string; usages: string[]; mechanisms: string[] } | string {
    const ref = parseKeyLabel(o.label);
    const spec = ref && SCM_HSM_KEYS.find((k) => k.label === ref.label);
    if (!spec) return `unknown key ${o.label}`;
    const pair = spec.algorithm === 'signing' || spec.algorithm.startsWith('P-') || spec.algorithm.startsWith('RSA-');
    if (pair === (o.class === 'secret')) return `${o.label} is a ${o.class} key; the table says ${spec.algorithm}`;
    // The CA keys' algorithm is configurable (P-384 by default, what init-keys creates here).
    const alg = (spec.algorithm === 'signing' ? 'P-384' : spec.algorithm) as SigningKeyAlgorithm;
    const policy = pair
      ? profilePolicy(pairProfile(alg), alg)[o.class as Exclude<KeyObjectClass, 'secret'>]!
      : profilePolicy(spec.profile!).secret!;
    const keyType = pair ? (alg.startsWith('P-') ? 'EC' : 'RSA') : spec.algorithm === 'AES-256' ? 'AES' : 'GENERIC_SECRET';
    return { keyType, usages: [...policy.usages].sort(), mechanisms: policy.mechanisms.map(mechanismName).sort() };
  }

  it('creates every key of the table once (init-keys is idempotent)', () => {
    const all = SCM_HSM_KEYS.map((k) => `${k.label}/1`).sort();
    const created = [...result.first, 'scm-ca-root/1', 'scm-ca-issuing/1', 'scm-content-signer/1'].sort();
    expect(created).toEqual(all);
    expect(result.second).toEqual([]);
    const labels = new Set(result.objects.map((o) => o.label));
    expect([...labels].sort()).toEqual(all);
  });

  it('gives every key object exactly the attributes of the table, and no key is unknown', () => {
    const problems: string[] = [];
    for (const o of result.objects) {
      const want = expected(o);
      if (typeof want === 'string') {
        problems.push(want);
        continue;
      }
      const got = { keyType: o.keyType, usages: [...o.usages].sort(), mechanisms: o.mechanisms.map(mechanismName).sort() };
      if (JSON.stringify(got) !== JSON.stringify(want))
        problems.push(`${o.label} (${o.class}): ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      if (o.class !== 'public' && (o.extractable !== false || o.sensitive !== true))
        problems.push(`${o.label} (${o.class}) is extractable or not sensitive`);
    }
    expect(problems).toEqual([]);
    // Wrap and unwrap only on the stock key, which wraps the transport keys.
    expect(result.objects.filter((o) => o.usages.includes('wrap') || o.usages.includes('unwrap')).map((o) => o.label)).toEqual([
      'scm-stock-kek/1',
    ]);
    expect(result.objects.every((o) => o.mechanisms.length > 0)).toBe(true);
    // The check `scm hsm keys --attributes` prints agrees.
    expect(result.objects.map(checkKeyObject).filter((c) => c !== 'ok')).toEqual([]);
  });

  it('refuses a mechanism outside a key’s allowed list, and the allowed ones work', () => {
    expect(result.negative).toEqual({
      pukAesCbc: 'CKR_MECHANISM_INVALID',
      signerEcdsaSha1: 'CKR_MECHANISM_INVALID',
      stockKeyWrap: 'CKR_MECHANISM_INVALID',
      kekHmacSha384: 'CKR_MECHANISM_INVALID',
      stockKeyWrapPad: 'ok',
      masterDerive: 'ok',
      masterEncrypt: expect.stringMatching(/^CKR_/),
    });
    expect(result.pukRoundTrip).toBe(true);
    expect(result.hmacOk).toBe(true);
  });

  it('keeps a key made by an older version as it is: init-keys does not replace it and SCM still uses it', async () => {
    const legacy = await runProbe('legacy', { PROBE_LEGACY: '1' });
    expect(legacy.first).not.toContain('scm-puk/1');
    const puk = legacy.objects.find((o) => o.label === 'scm-puk/1' && o.class === 'secret');
    expect(puk).toMatchObject({ usages: expect.arrayContaining(['wrap', 'unwrap']), mechanisms: [] });
    expect(legacy.pukRoundTrip).toBe(true);
    // The other keys are new and follow the table.
    expect(legacy.objects.find((o) => o.label === 'scm-recovery/1')?.mechanisms.map(mechanismName)).toEqual(['AES_GCM']);
    // A legacy key has no mechanism list: the HSM does not refuse CBC there (what the table adds).
    expect(legacy.negative.pukAesCbc).toBe('ok');
    expect(checkKeyObject(puk!)).toBe('usages decrypt,encrypt,unwrap,wrap (table: decrypt,encrypt); mechanisms any (table: AES_GCM)');
  }, 120_000);

  it('scm hsm keys --attributes lists every key object of the test token with its attributes and the check', async () => {
    const r = await runCli(['hsm', 'keys', '--attributes', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const objs = JSON.parse(r.stdout) as Array<{ label: string; class: string; usages: string[]; mechanisms: string[]; check: string }>;
    for (const k of SCM_HSM_KEYS) expect(objs.some((o) => o.label === `${k.label}/1`)).toBe(true);
    const stock = objs.find((o) => o.label === 'scm-stock-kek/1')!;
    expect(stock).toMatchObject({ class: 'secret', usages: expect.arrayContaining(['wrap', 'unwrap']) });
    expect(objs.every((o) => typeof o.check === 'string' && o.check.length > 0)).toBe(true);
    const table = await runCli(['hsm', 'keys', '--attributes']);
    expect(table.stdout).toMatch(/LABEL\s+CLASS\s+TYPE\s+EXTRACTABLE\s+SENSITIVE\s+USAGES\s+MECHANISMS\s+CHECK/);
  });
});
