/**
 * One card, personalised two ways on the same kind of card (the software PIV card in a vpcd reader
 * through pcscd): by SCM — the card worker with the API, its HSM and CA, end to end from the card's
 * insertion to the issued card — and by yubico-piv-tool 2.2.0 doing the same work on the card (import
 * the escrowed 9D key, generate 9A/9C/9E, import four certificates, CHUID, CCC, PUK, PIN, management
 * key, then a test signature per slot and a 9D decryption). For yubico-piv-tool the certificates are
 * made by openssl beforehand and its time counts the tool's runs only. APDUs are counted at the card.
 * `npm run bench personalise-card`; BENCH_ROUNDS (default 3); BENCH_ALGS (default p256,rsa2048);
 * SCM_BENCH_WORKSTATION (default 0).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { attempts, insertCard, newCard, removeCard, type Reader, startBenchStack, waitStates } from './_personalise-stack';
import { median, runBench, summaryRow, table } from './_support';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NEW_MGM = '0a0b0c0d0e0f0102030405060708090a0b0c0d0e0f010203';

async function byYubicoPivTool(reader: Reader, alg: 'p256' | 'rsa2048', dir: string): Promise<{ ms: number; apdus: number }> {
  const card = newCard();
  await insertCard(card, reader);
  const env = { ...process.env, PCSCLITE_CSOCK_NAME: reader.ws.socket };
  let ms = 0;
  const tool = async (...args: string[]): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const t = process.hrtime.bigint();
      try {
        const r = await run('yubico-piv-tool', [`-r${reader.name}`, ...args], { env, cwd: dir });
        ms += Number(process.hrtime.bigint() - t) / 1e6;
        return r.stdout + r.stderr;
      } catch (e) {
        // pcscd now and then refuses a connection right after the previous run let go: try once more (not timed).
        if (attempt > 2 || !/Failed to connect/.test(String((e as { stderr?: string }).stderr ?? (e as Error).message))) throw e;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  };
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const A = alg === 'p256' ? 'ECCP256' : 'RSA2048';
  try {
    const before = card.apdus;
    await tool('-achange-puk', '-P12345678', '-N84736251');
    await tool('-aunblock-pin', '-P84736251', '-N38472615');
    await tool('-aimport-key', '-s9d', '-i9d.key');
    for (const s of ['9a', '9c', '9e']) {
      await tool('-agenerate', `-s${s}`, `-A${A}`, `-o${s}.pub`);
      // The certificate is the CA's work, not the tool's: made outside the timed runs.
      const t = ms;
      await openssl(
        'x509',
        '-new',
        '-force_pubkey',
        `${s}.pub`,
        '-subj',
        `/CN=bench ${s}`,
        '-key',
        'ca.key',
        '-days',
        '30',
        '-out',
        `${s}.crt`,
      );
      ms = t;
    }
    for (const s of ['9a', '9c', '9d', '9e']) await tool('-aimport-certificate', `-s${s}`, `-i${s}.crt`);
    await tool('-aset-chuid', '-aset-ccc');
    await tool('-aset-mgm-key', `-n${NEW_MGM}`);
    for (const s of ['9a', '9c', '9e']) await tool('-averify-pin', '-P38472615', '-atest-signature', `-s${s}`, `-i${s}.crt`);
    await tool('-averify-pin', '-P38472615', '-atest-decipher', '-s9d', '-i9d.crt');
    return { ms, apdus: card.apdus - before };
  } finally {
    await removeCard(card, reader);
  }
}

async function main(): Promise<void> {
  const s = await startBenchStack();
  const wsId = Number(process.env.SCM_BENCH_WORKSTATION ?? 0);
  const reader = s.readers.find((r) => r.ws.id === wsId && r.index === 0);
  if (!reader) throw new Error(`no workstation ${wsId}`);
  const dir = mkdtempSync(join(tmpdir(), 'scm-bench-ykpiv-'));
  const rows: string[][] = [];
  try {
    for (const alg of (process.env.BENCH_ALGS ?? 'p256,rsa2048').split(',') as Array<'p256' | 'rsa2048'>) {
      await s.startWorkers([wsId]);
      await s.profile(`bench-${alg}`, alg);
      // SCM, end to end: insertion of a blank card to the issued card.
      const scm: Array<{ ms: number; apdus: number; worker: number }> = [];
      for (let i = 0; i < ROUNDS; i++) {
        const ids = await s.issue(await s.cardholders(1), `bench-${alg}`);
        await waitStates(s.ds, ids, ['awaiting-card']);
        const card = newCard();
        const mark = attempts(s).length;
        const t = Date.now();
        await insertCard(card, reader);
        await waitStates(s.ds, ids, ['issued']);
        const ms = Date.now() - t;
        // The worker logs the attempt after the API has recorded the card issued: wait for the line.
        let a: ReturnType<typeof attempts>[number] | undefined;
        for (let w = 0; w < 100 && !a; w++) {
          a = attempts(s)
            .slice(mark)
            .find((x) => x.outcome === 'issued');
          if (!a) await new Promise((r) => setTimeout(r, 50));
        }
        scm.push({ ms, apdus: card.apdus, worker: a?.ms ?? NaN });
        await removeCard(card, reader);
      }
      // yubico-piv-tool, the same work on the same kind of card (the worker stopped: it would look at each card).
      await s.stopWorkers();
      const key =
        alg === 'p256' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(join(dir, '9d.key'), key.privateKey.export({ format: 'pem', type: 'pkcs8' }));
      writeFileSync(join(dir, '9d.pubkey'), key.publicKey.export({ format: 'pem', type: 'spki' }));
      await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], { cwd: dir });
      await run(
        'openssl',
        ['x509', '-new', '-force_pubkey', '9d.pubkey', '-subj', '/CN=bench 9d', '-key', 'ca.key', '-days', '30', '-out', '9d.crt'],
        { cwd: dir },
      );
      const yk: Array<{ ms: number; apdus: number }> = [];
      for (let i = 0; i < ROUNDS; i++) yk.push(await byYubicoPivTool(reader, alg, dir));
      const name = alg === 'p256' ? 'P-256' : 'RSA-2048';
      rows.push([
        `SCM (worker + API + HSM), ${name}`,
        String(median(scm.map((x) => x.apdus))),
        median(scm.map((x) => x.ms)).toFixed(0),
        median(scm.map((x) => x.worker)).toFixed(0),
      ]);
      rows.push([
        `yubico-piv-tool, ${name} (19 runs)`,
        String(median(yk.map((x) => x.apdus))),
        median(yk.map((x) => x.ms)).toFixed(0),
        '-',
      ]);
      summaryRow({
        what: `One card end to end (insert → issued), ${name}`,
        scm: Math.round(median(scm.map((x) => x.ms))),
        unit: 'ms',
        anchor: { name: 'yubico-piv-tool, the same work', value: Math.round(median(yk.map((x) => x.ms))) },
        target: '≤ 300 ms',
        higherIsBetter: false,
      });
      process.stderr.write(
        `${rows
          .slice(-2)
          .map((r) => r.join('  '))
          .join('\n')}\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s.close();
  }
  process.stdout.write(
    `\nOne card personalised (${ROUNDS} rounds, medians; 9D escrowed and imported, 9A/9C/9E generated on the card)\n${table(
      ['personalisation', 'APDUs', 'ms (insert → issued)', 'ms (worker attempt)'],
      rows,
    )}\n`,
  );
}

runBench(main);
