import 'reflect-metadata';
import { createPublicKey, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { createAttestationAuthority, type AttestationAuthority } from '@scm/card-engine';
import { CARDHOLDER_COLUMNS } from '../../apps/cli/src/commands/cardholder.command';
import { BATCH_COLUMNS } from '../../apps/cli/src/commands/issue.command';
import { CsvError, parseCsvTable } from '../../apps/cli/src/csv';
import { CliError } from '../../apps/cli/src/output';
import { parseStockManifest } from '../../apps/cli/src/stock-manifest';
import { checkCardholders } from '../../apps/issuer-api/src/issuance/cardholders/cardholder';
import { attestationProblem, attestedSerial, YUBICO_SERIAL_OID } from '../../apps/issuer-api/src/stock/attestation-rules';
import { reviveJsonBody } from '../../apps/issuer-api/src/platform/http/json-body';
import { ImportStockBatchDto } from '../../apps/issuer-api/src/stock/import-batch/import-batch.dto';
import { StockError } from '../../apps/issuer-api/src/stock/stock-errors';
import { checkImport, parseAttestationRoot, type StockImport } from '../../apps/issuer-api/src/stock/stock-rules';
import { bytesFrom, jsonMutated } from '../harness/mutate';
import { joinFrames, splitFrames, text, utf8 } from '../harness/frames';
import { defineTarget, oracle } from '../harness/target';

// ---------------------------------------------------------------- CSV

const field = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '"',
    '""',
    '"a""b"',
    '"x,y"',
    '"line\nbreak"',
    'é',
    '\uFEFF',
    '\r',
    'a;b;c',
    'ALICE@EXAMPLE.ORG',
    'x'.repeat(70),
  ),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const csvText = fc
  .tuple(
    fc.oneof(
      fc.constant('name,email,upn,org_ids'),
      fc.constant('cardholder,profile'),
      fc.array(field, { maxLength: 5 }).map((f) => f.join(',')),
    ),
    fc.array(
      fc.array(field, { maxLength: 6 }).map((f) => f.join(',')),
      { maxLength: 8 },
    ),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.boolean(),
  )
  .map(([head, rows, eol, bom]) => utf8(`${bom ? '\uFEFF' : ''}${[head, ...rows].join(eol)}`));

/** The cardholder and batch CSV files of `scm cardholder import` / `scm issue --batch`, then the API's check of each line. */
export const csvBatch = defineTarget<Uint8Array[]>({
  name: 'csv-batch',
  about: 'parseCsvTable (cardholder and issue batch CSV) and checkCardholders on its rows; parseStockManifest (CSV and JSON)',
  setup: async () => [
    utf8('name,email,upn,org_ids\nAlice Example,alice@example.org,alice@EXAMPLE.ORG,hr;it\n"Bob ""B"" Example",,bob@example.org,\n'),
    utf8('cardholder,profile\nalice@example.org,default\n"b@x.org",\n'),
    utf8('# vendor\nserial,transport_key\n0001,010203040506070801020304050607080102030405060708\n'),
    utf8('{"format":"scm-stock-manifest/1","name":"b1","cards":[{"serial":"1","transportKey":"00"}]}'),
  ],
  inputs: (seeds) => fc.oneof({ weight: 3, arbitrary: bytesFrom(seeds, { random: 200 }) }, { weight: 2, arbitrary: csvText }),
  run: (_s, b) => {
    const t = text(b);
    let failures = 0;
    try {
      const rows = parseCsvTable(t, CARDHOLDER_COLUMNS);
      for (const r of rows) oracle(Number.isInteger(r.line) && r.line >= 2, `row line ${r.line}`);
      const inputs = rows.map(({ row }) => ({
        name: row.name ?? '',
        ...(row.email ? { email: row.email } : {}),
        ...(row.upn ? { upn: row.upn } : {}),
        orgIds: (row.org_ids ?? '')
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean),
      }));
      const checked = checkCardholders(inputs);
      oracle(checked.values.length === inputs.length, 'a line lost by the check');
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      failures++;
    }
    try {
      parseCsvTable(t, BATCH_COLUMNS);
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      failures++;
    }
    try {
      parseStockManifest(t, 'fuzz');
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      failures++;
    }
    if (failures === 3) throw new CsvError(1, 'nothing read');
  },
  expected: (e) => e instanceof CsvError,
});

// ---------------------------------------------------------------- stock import

const STOCK_SEED: StockImport & { development?: boolean } = {
  name: 'batch-2026.01',
  vendor: 'Yubico',
  algorithm: 'aes192',
  cards: [
    { serial: '10000001', transportKey: '0102030405060708090a0b0c0d0e0f101112131415161718' },
    { serial: '10000002', transportKey: 'a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8' },
  ],
};

/** The stock import as the API takes it: the DTO's validation first (as the ValidationPipe does), then checkImport. */
export const stockImport = defineTarget<{ root: string }>({
  name: 'stock-import',
  about: 'stock import body: ImportStockBatchDto validation then checkImport / parseAttestationRoot (apps/issuer-api/src/stock)',
  setup: async () => {
    const a = await createAttestationAuthority(1);
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(a.certificate).toString('base64')}\n-----END CERTIFICATE-----\n`;
    return { root: pem };
  },
  inputs: (s) => {
    const withRoot = { ...STOCK_SEED, attestationRoot: s.root };
    const seeds = [STOCK_SEED, withRoot];
    return fc.oneof(
      { weight: 4, arbitrary: jsonMutated(seeds, (v) => utf8(JSON.stringify(v))) },
      {
        weight: 2,
        arbitrary: bytesFrom(
          seeds.map((v) => utf8(JSON.stringify(v))),
          { random: 100 },
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .oneof(
            fc.string({ maxLength: 200 }),
            fc.nat({ max: 3000 }).map((n) => '-----BEGIN CERTIFICATE-----'.repeat(n)),
          )
          .map((r) => utf8(JSON.stringify({ ...STOCK_SEED, attestationRoot: r }))),
      },
    );
  },
  run: (_s, b) => {
    let body: unknown;
    try {
      // As the API's body parser reads it (its reviver refuses prototype keys with a 400).
      body = JSON.parse(text(b), reviveJsonBody);
    } catch {
      return; // the body parser's 400, not the stock rules' business
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
    const dto = plainToInstance(ImportStockBatchDto, body);
    if (validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).length) return;
    if (dto.development) return;
    if (!dto.name || !dto.algorithm || !dto.cards) return;
    const checked = checkImport({
      name: dto.name,
      vendor: dto.vendor,
      algorithm: dto.algorithm,
      attestationRoot: dto.attestationRoot,
      cards: dto.cards,
    });
    oracle(checked.cards.length === dto.cards.length, 'cards lost by the check');
    if (dto.attestationRoot) parseAttestationRoot(dto.attestationRoot);
  },
  expected: (e) => e instanceof StockError,
});

// ---------------------------------------------------------------- attestation chains

type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
const xcrypto = webcrypto as unknown as X509Crypto;

interface AttestationState {
  root: AttestationAuthority;
  f9: AttestationAuthority;
  spki: Buffer;
  seeds: Uint8Array[];
}

/** An attestation certificate issued by `f9` for `key` with this raw value in Yubico's serial extension. */
async function attestationWithSerial(f9: AttestationAuthority, spki: Buffer, serialExt: Uint8Array): Promise<Uint8Array> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256' };
  const signingKey = await webcrypto.subtle.importKey('pkcs8', f9.privateKey.export({ format: 'der', type: 'pkcs8' }), alg, false, [
    'sign',
  ]);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, alg, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '01',
      subject: 'CN=YubiKey PIV Attestation 9a',
      issuer: new x509.X509Certificate(f9.certificate).subjectName,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 365 * 86_400_000),
      publicKey: publicKey as never,
      signingKey: signingKey as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.Extension(YUBICO_SERIAL_OID, false, serialExt)],
    },
    xcrypto,
  );
  return new Uint8Array(cert.rawData);
}

/**
 * A worker's attestation of an on-card key (slot attestation + the card's F9 certificate) checked
 * against the stock's vendor root: always a verdict (a reason or none), never an exception.
 */
export const attestationChain = defineTarget<AttestationState>({
  name: 'attestation-chain',
  quickRuns: 150,
  about: 'attestationProblem / attestedSerial (apps/issuer-api/src/stock) on fuzzed certificate chains',
  setup: async () => {
    const root = await createAttestationAuthority(0);
    const f9 = await createAttestationAuthority(1234, undefined, root);
    const key = await createAttestationAuthority(9);
    const spki = createPublicKey(key.privateKey).export({ format: 'der', type: 'spki' });
    const serials = [
      [0x02, 0x02, 0x04, 0xd2],
      [0x02, 0x01, 0x00],
      [0x02, 0x00],
      [0x02, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x04, 0x02, 0x04, 0xd2],
      [0x02, 0x82, 0x00, 0x02, 0x04, 0xd2],
      [0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 1],
    ];
    const seeds: Uint8Array[] = [];
    for (const s of serials) seeds.push(joinFrames([await attestationWithSerial(f9, spki, Uint8Array.from(s)), f9.certificate]));
    return { root, f9, spki, seeds };
  },
  inputs: (s) =>
    fc.oneof(
      { weight: 5, arbitrary: bytesFrom(s.seeds, { maxEdits: 3 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...s.seeds).chain((seed) => {
          const [att, f9] = splitFrames(seed);
          return bytesFrom([att], { maxEdits: 2 }).map((a) => joinFrames([a, f9]));
        }),
      },
    ),
  run: (s, b) => {
    const [certificate = new Uint8Array(0), intermediate = new Uint8Array(0)] = splitFrames(b);
    const verdict = attestationProblem(
      { certificate: Buffer.from(certificate), intermediate: Buffer.from(intermediate) },
      { root: Buffer.from(s.root.certificate), serial: '1234', spki: s.spki, now: new Date() },
    );
    oracle(verdict === undefined || typeof verdict === 'string', 'no verdict');
    // Whatever node:crypto reads as a certificate, the serial reader must read too (it runs on the same bytes).
    let nodeReads = false;
    try {
      new X509Certificate(certificate);
      nodeReads = true;
    } catch {
      /* not a certificate for node either */
    }
    if (nodeReads) attestedSerial(Buffer.from(certificate));
  },
  expected: () => false,
});
