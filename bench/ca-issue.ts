/**
 * Certificates issued per second by the HSM-backed issuing CA (P-384 CA key in the HSM, PIV
 * authentication template, in-memory CaStore), for P-256 and RSA-2048 subject keys, beside bare
 * node:crypto key generation. `npm run bench ca-issue`. Uses the configured token
 * (SCM_PKCS11_TOKEN_LABEL, PIN file under SCM_STATE_DIR) with throw-away key labels, removed
 * at the end. BENCH_CA_ALG=RSA-3072 etc. changes the CA key; BENCH_SECONDS the time per cell.
 */
import 'reflect-metadata';
import { generateKeyPair, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { InMemoryCaStore, setupCaHierarchy, type HsmCertificateAuthority } from '@scm/ca';
import { hsmSchema, loadConfig, stateSchema } from '@scm/config';
import { finalizePkcs11Modules, HsmContext, hsmSettingsFrom, type KeyRef, type SigningKeyAlgorithm } from '@scm/hsm';

const genKeyPair = promisify(generateKeyPair);
type SubjectAlg = 'P-256' | 'RSA-2048';

async function newSpki(alg: SubjectAlg): Promise<Buffer> {
  const { publicKey } =
    alg === 'P-256' ? await genKeyPair('ec', { namedCurve: 'P-256' }) : await genKeyPair('rsa', { modulusLength: 2048 });
  return publicKey.export({ format: 'der', type: 'spki' });
}

/** Runs `fn` with `concurrency` loops for about `seconds`; returns operations per second. */
async function rate(seconds: number, concurrency: number, fn: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn();
        n++;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const cfg = loadConfig({ ...stateSchema, ...hsmSchema });
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const caAlg = (process.env.BENCH_CA_ALG ?? 'P-384') as SigningKeyAlgorithm;
  const hsm = HsmContext.open(hsmSettingsFrom(cfg));
  const tag = `bench-${process.pid}`;
  const keys: KeyRef[] = ['root', 'issuing', 'signer'].map((k) => ({ label: `${tag}-${k}`, version: 1 }));
  try {
    const { issuing } = await setupCaHierarchy(hsm, new InMemoryCaStore(), {
      organization: 'SCM Bench',
      publicBaseUrl: 'http://pki.bench.invalid',
      rootKey: keys[0],
      issuingKey: keys[1],
      contentSignerKey: keys[2],
      caAlgorithm: caAlg,
    });
    const issue = (ca: HsmCertificateAuthority, spki: Buffer) =>
      ca.issue({
        template: 'piv-authentication',
        publicKey: spki,
        subject: { commonName: 'Bench User', organization: 'SCM Bench' },
        identity: { cardUuid: randomUUID(), upn: 'bench.user@corp.example' },
      });

    const rows: string[][] = [];
    for (const alg of ['P-256', 'RSA-2048'] as const) {
      const spki = await newSpki(alg);
      await issue(issuing, spki); // warm-up
      const keygen1 = await rate(seconds, 1, () => newSpki(alg));
      const keygen4 = await rate(seconds, 4, () => newSpki(alg));
      const cert1 = await rate(seconds, 1, () => issue(issuing, spki));
      const cert4 = await rate(seconds, 4, () => issue(issuing, spki));
      const both4 = await rate(seconds, 4, async () => issue(issuing, await newSpki(alg)));
      rows.push([alg, keygen1, keygen4, cert1, cert4, both4].map((v) => (typeof v === 'number' ? v.toFixed(1) : v)));
    }
    const head = ['subject key', 'keygen/s (1)', 'keygen/s (4)', 'certs/s (1)', 'certs/s (4)', 'keygen+cert/s (4)'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ')} |`;
    console.log(
      `CA key ${caAlg} in ${cfg.SCM_PKCS11_TOKEN_LABEL} (${hsm.settings.module.split('/').pop()}); ${seconds} s per cell; (n) = concurrent loops`,
    );
    console.log(line(head));
    console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    const tbs = Buffer.alloc(600, 1);
    const sign1 = await rate(seconds, 1, () => issuing.key.sign(tbs));
    const sign4 = await rate(seconds, 4, () => issuing.key.sign(tbs));
    console.log(`bare HSM signatures with the ${caAlg} CA key: ${sign1.toFixed(1)}/s (1), ${sign4.toFixed(1)}/s (4)`);
  } finally {
    for (const k of keys) await hsm.destroyKey(k);
    hsm.close();
    finalizePkcs11Modules();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
