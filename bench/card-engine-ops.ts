/**
 * The software PIV card's own cost per command, in-process (no pcscd, no vpcd): what a card adds
 * to an APDU round trip. `npm run bench card-engine`.
 */
import { createECDH, generateKeyPairSync } from 'node:crypto';
import { PivCard, SoftPivBackend, padPin } from '@scm/card-engine';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

async function time(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number; n: number }> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(n / 2)], p99: t[Math.min(n - 1, Math.ceil(n * 0.99) - 1)], n };
}

async function send(card: PivCard, apdu: Uint8Array): Promise<Uint8Array> {
  let r = await card.transmit(apdu);
  while (r[r.length - 2] === 0x61) r = await card.transmit(Uint8Array.of(0, 0xc0, 0, 0, r[r.length - 1]));
  if (r[r.length - 2] !== 0x90) throw new Error(`SW ${Buffer.from(r.subarray(-2)).toString('hex')}`);
  return r;
}

async function chained(card: PivCard, head: Uint8Array, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.length; at += 255) {
    const part = data.subarray(at, at + 255);
    const last = at + 255 >= data.length;
    await send(
      card,
      Uint8Array.from([last ? head[0] : head[0] | 0x10, head[1], head[2], head[3], part.length, ...part, ...(last ? [0] : [])]),
    );
  }
}

async function main(): Promise<void> {
  const backend = new SoftPivBackend({ serial: 1 });
  const fixed = hex('0102030405060708');
  const card = new PivCard(backend, { random: () => fixed });
  const auth = async (): Promise<void> => {
    await send(card, hex('00 87 03 9B 04 7C 02 80 00'));
    await send(card, hex('00 87 03 9B 16 7C 14 80 08 0102030405060708 81 08 1122334455667788'));
  };
  await auth();
  await chained(card, hex('00 DB 3F FF'), cat(hex('5C 03 5F C1 05 53 82 07 D8 70 82 07 CF'), new Uint8Array(1999), hex('71 01 00 FE 00')));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const comp = (v: string | undefined, i: number): Uint8Array => {
    const b = Buffer.from(v ?? '', 'base64url');
    return cat(Uint8Array.of(i, 0x81, 0x80), new Uint8Array(128 - b.length), b);
  };
  const rsaImport = cat(...[rsa.p, rsa.q, rsa.dp, rsa.dq, rsa.qi].map((v, i) => comp(v, i + 1)));
  await chained(card, hex('00 FE 07 9A'), rsaImport);
  const ec = createECDH('prime256v1');
  ec.generateKeys();
  await send(card, cat(hex('00 FE 11 9E 22 06 20'), ec.getPrivateKey()));
  const verify = cat(hex('00 20 00 80 08'), padPin('123456'));
  const rsaSign = cat(hex('7C 82 01 06 82 00 81 82 01 00 00 01'), new Uint8Array(254).fill(0xff));
  rsaSign[rsaSign.length - 1] = 0x01;

  const rows: Array<[string, { p50: number; p99: number; n: number }]> = [
    ['VERSION (FD)', await time(500, () => send(card, hex('00 FD 00 00 00')))],
    ['SELECT PIV', await time(500, () => send(card, hex('00 A4 04 00 05 A0 00 00 03 08')))],
    ['VERIFY PIN (scrypt check)', await time(100, () => send(card, verify))],
    ['9B mutual auth (2 APDUs)', await time(300, auth)],
    ['GET DATA 2 KB cert (+8 GET RESPONSE)', await time(300, () => send(card, hex('00 CB 3F FF 05 5C 03 5F C1 05 00')))],
    [
      'sign P-256 9E (ECDSA over digest)',
      await time(200, () => send(card, cat(hex('00 87 11 9E 26 7C 24 82 00 81 20'), new Uint8Array(32).fill(7), hex('00')))),
    ],
    ['sign RSA-2048 9A (raw, chained)', await time(50, () => chained(card, hex('00 87 07 9A'), rsaSign))],
    ['IMPORT RSA-2048 (chained, CRT check)', await time(20, () => chained(card, hex('00 FE 07 9A'), rsaImport))],
    ['GENERATE P-256', await time(50, () => send(card, hex('00 47 00 9D 05 AC 03 80 01 11')))],
    ['GENERATE RSA-2048 (off the event loop)', await time(5, () => send(card, hex('00 47 00 9D 05 AC 03 80 01 07')))],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`${'operation'.padEnd(w)}  ${'n'.padStart(4)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}`);
  for (const [k, v] of rows)
    console.log(`${k.padEnd(w)}  ${String(v.n).padStart(4)}  ${v.p50.toFixed(3).padStart(8)}  ${v.p99.toFixed(3).padStart(8)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
