import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { ApduError, encodeTlv, type ByteTransport } from '@scm/apdu';
import { PivCard, SoftPivBackend } from '@scm/card-engine';
import {
  ALGORITHM,
  DEFAULTS,
  decodeCcc,
  decodeCertificateObject,
  decodeChuid,
  decodeDiscovery,
  decodeKeyHistory,
  decodePrintedInfo,
  decodePublicKey,
  encodeCcc,
  encodeCertificateObject,
  encodeChuid,
  encodeDiscovery,
  encodeKeyHistory,
  encodePrintedInfo,
  PivError,
  PivSession,
  readCardReport,
  SoftwareManagementKey,
} from '@scm/piv';
import { bytesFrom } from '../harness/mutate';
import { joinFrames, splitFrames } from '../harness/frames';
import { defineTarget } from '../harness/target';

/** Deterministic "random" bytes, so a recorded exchange replays the same way. */
const fixedRandom = (n: number): Uint8Array => new Uint8Array(createHash('sha512').update('fuzz').digest().subarray(0, n));

const DECODERS = [
  (b: Uint8Array) => decodeCertificateObject(b),
  (b: Uint8Array) => decodeChuid(b),
  (b: Uint8Array) => decodeCcc(b),
  (b: Uint8Array) => decodeKeyHistory(b),
  (b: Uint8Array) => decodePrintedInfo(b),
  (b: Uint8Array) => decodeDiscovery(b),
  (b: Uint8Array) => decodePublicKey(ALGORITHM.ECCP256, b),
  (b: Uint8Array) => decodePublicKey(ALGORITHM.RSA2048, b),
  (b: Uint8Array) => decodePublicKey(ALGORITHM.ECCP384, b),
];

/** A card's data objects as the host decodes them: certificates (gzip too), CHUID, CCC, Key History, Printed Information, Discovery, public keys. */
export const pivObjects = defineTarget({
  name: 'piv-objects',
  about: 'PIV object decoders of libs/piv (certificate incl. gzip, CHUID, CCC, Key History, Printed, Discovery, 7F49 public keys)',
  setup: async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.of(4), Buffer.from(ec.x!, 'base64url'), Buffer.from(ec.y!, 'base64url')]);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const der = new Uint8Array(600).map((_, i) => (i * 7) & 0xff);
    return [
      encodeCertificateObject(der),
      encodeCertificateObject(der, { compress: true }),
      encodeChuid({ guid: new Uint8Array(16).fill(0x11), orgId: Uint8Array.of(1, 2, 3, 4) }),
      encodeCcc(new Uint8Array(14).fill(3)),
      encodeKeyHistory({ onCard: 2, offCard: 1, url: 'http://example.org/kh' }),
      encodePrintedInfo({ name: 'Mike Hamann', affiliation: 'Staff', expiry: '2030JAN01' }),
      encodeDiscovery().subarray(2),
      encodeTlv(0x86, point),
      new Uint8Array([...encodeTlv(0x81, Buffer.from(rsa.n!, 'base64url')), ...encodeTlv(0x82, Buffer.from(rsa.e!, 'base64url'))]),
    ];
  },
  inputs: (seeds) => fc.tuple(fc.nat({ max: DECODERS.length - 1 }), bytesFrom(seeds)).map(([i, b]) => Uint8Array.of(i, ...b)),
  run: (_s, b) => {
    if (b.length === 0) throw new PivError('piv.bad-object' as never, 'empty');
    DECODERS[b[0] % DECODERS.length](b.subarray(1));
  },
  expected: (e) => e instanceof PivError,
});

interface SessionState {
  seeds: Uint8Array[];
}

/** The host's side of a card session, step by step; each step may fail with a typed error and the next still runs. */
async function hostScript(transport: ByteTransport): Promise<void> {
  const typed = (e: unknown): boolean => e instanceof PivError || e instanceof ApduError;
  const step = async (f: () => Promise<unknown>): Promise<void> => {
    try {
      await f();
    } catch (e) {
      if (!typed(e)) throw e;
    }
  };
  let s: PivSession | undefined;
  await step(async () => (s = await PivSession.open(transport, { atr: Uint8Array.of(0x3b, 0x00) })));
  if (!s) return;
  const session = s;
  await step(() => readCardReport(session, { retiredSlots: false }));
  await step(() => session.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.TDES, fixedRandom)));
  await step(() => session.generateKey(0x9e, ALGORITHM.ECCP256));
  await step(() => session.verifyPin(DEFAULTS.PIN));
  await step(() => session.signDigest(0x9a, ALGORITHM.ECCP256, new Uint8Array(32).fill(1)));
  await step(() => session.decryptRaw(0x9d, ALGORITHM.RSA2048, new Uint8Array(256).fill(2)));
  await step(() => session.attest(0x9a));
  await step(() => session.getMetadata(0x9a));
  await step(() => session.readKeyHistory());
  await step(() => session.readPrintedInfo());
  await step(() => session.unblockPin(DEFAULTS.PUK, '654321'));
}

/** Records what a real (software) card answers to the host script: the seed response sequences. */
async function recordSession(): Promise<Uint8Array[]> {
  const backend = new SoftPivBackend({ serial: 4242 });
  const card = new PivCard(backend, { random: fixedRandom });
  const setup = await PivSession.open(card);
  await setup.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.TDES, fixedRandom));
  await setup.generateKey(0x9a, ALGORITHM.ECCP256);
  const cert = await setup.attest(0x9a);
  await setup.writeCertificate(0x9a, cert);
  await setup.writeCertificate(0x9c, cert, { compress: true });
  await setup.generateKey(0x9d, ALGORITHM.RSA2048);
  await setup.writeChuid({ guid: new Uint8Array(16).fill(0x42) });
  await setup.writeKeyHistory({ onCard: 1, offCard: 0 });
  await setup.writePrintedInfo({ name: 'Fuzz Card' });
  await setup.writeCcc(encodeCcc(new Uint8Array(14).fill(1)));
  card.reset();
  const answers: Uint8Array[] = [];
  await hostScript({
    transmit: async (apdu) => {
      const r = await card.transmit(apdu);
      answers.push(r);
      return r;
    },
  });
  return [joinFrames(answers), joinFrames(answers.slice(0, 12)), joinFrames(answers.slice(12))];
}

/** A hostile or broken card: the host's session code reads whatever it answers. */
export const pivSession = defineTarget<SessionState>({
  name: 'piv-session',
  quickRuns: 150,
  about: 'PivSession + readCardReport facing a card that answers fuzzed responses (mutated from a recorded session)',
  budgetMs: 4000,
  setup: async () => ({ seeds: await recordSession() }),
  inputs: (s) => bytesFrom(s.seeds, { maxEdits: 8, random: 600 }),
  run: async (_s, b) => {
    const answers = splitFrames(b);
    let i = 0;
    await hostScript({ transmit: async () => (i < answers.length ? answers[i++] : Uint8Array.of(0x6f, 0x00)) });
  },
  // The script swallows typed errors itself: whatever escapes is a finding.
  expected: () => false,
});
