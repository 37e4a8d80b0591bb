import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { fromHex } from '@scm/apdu';
import { PivCard, SoftPivBackend, stateFromJson, stateToJson, type SoftCardStateJson } from '@scm/card-engine';
import { ALGORITHM, DEFAULTS, encodeCcc, PivSession, readCardReport, SoftwareManagementKey } from '@scm/piv';
import { bytesFrom } from '../harness/mutate';
import { joinFrames, splitFrames } from '../harness/frames';
import { defineTarget, oracle } from '../harness/target';

const fixedRandom = (n: number): Uint8Array => new Uint8Array(createHash('sha512').update('fuzz-card').digest().subarray(0, n));

interface CardState {
  card: SoftCardStateJson;
  seeds: Uint8Array[];
}

/** The status words a PIV card answers with (anything else, 6F00 above all, is a finding). */
const SW1 = [0x90, 0x61, 0x62, 0x63, 0x67, 0x68, 0x69, 0x6a, 0x6d, 0x6e];

/** Records the commands a real host sends (PivSession over the software card): the seed command sequences. */
async function record(card: PivCard): Promise<Uint8Array[]> {
  const sent: Uint8Array[] = [];
  const t = {
    transmit: async (apdu: Uint8Array) => {
      sent.push(Uint8Array.from(apdu));
      return card.transmit(apdu);
    },
  };
  const s = await PivSession.open(t);
  const mark = () => sent.length;
  const cuts = [mark()];
  await readCardReport(s, { retiredSlots: false });
  cuts.push(mark());
  await s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.TDES, fixedRandom));
  cuts.push(mark());
  await s.generateKey(0x9e, ALGORITHM.ECCP256);
  await s.importKey(0x9d, generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey);
  await s.writeCcc(encodeCcc(new Uint8Array(14).fill(9)));
  await s.writeCertificate(0x82, new Uint8Array(1200).fill(0x30));
  await s.writeKeyHistory({ onCard: 1, offCard: 0 });
  cuts.push(mark());
  await s.verifyPin(DEFAULTS.PIN);
  await s.signDigest(0x9a, ALGORITHM.ECCP256, new Uint8Array(32).fill(5));
  await s.ecdh(0x9d, ALGORITHM.ECCP384, generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey);
  await s.attest(0x9e);
  await s.getMetadata(0x9b);
  cuts.push(mark());
  await s.changePin(DEFAULTS.PIN, '87654321');
  await s.unblockPin(DEFAULTS.PUK, '111111');
  await s.setManagementKey(new Uint8Array(24).fill(7), ALGORITHM.TDES);
  cuts.push(mark());
  const auth = sent.slice(cuts[1], cuts[2]);
  const seeds = [joinFrames(sent)];
  for (let i = 0; i + 1 < cuts.length; i++) seeds.push(joinFrames([...auth, ...sent.slice(cuts[i], cuts[i + 1])]));
  // Hand-made commands the session never sends: chains, extended length, GET RESPONSE, odd classes.
  const extra = [
    '10DB3FFF055C035FC105',
    '00DB3FFF0A53085C035FC1055300',
    '00C0000000',
    '00CB3FFF00000005' + '5C035FC107' + '0000',
    '80A4040000',
    '00FB0000',
    '00FA0000',
  ];
  seeds.push(joinFrames([...auth, ...extra.map(fromHex)]));
  return seeds;
}

/**
 * The software card facing a hostile host: any command sequence, with a session that has passed
 * the management key, so PUT DATA, GENERATE, IMPORT and the private-key operations are reached.
 */
export const cardEngine = defineTarget<CardState>({
  name: 'card-engine',
  quickRuns: 100,
  about: 'PivCard (software card: class byte, chaining, GET RESPONSE, every PIV/Yubico command) under fuzzed command sequences',
  budgetMs: 10_000,
  setup: async () => {
    const backend = new SoftPivBackend({ serial: 777 });
    const prep = await PivSession.open(new PivCard(backend, { random: fixedRandom }));
    await prep.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.TDES, fixedRandom));
    await prep.generateKey(0x9a, ALGORITHM.ECCP256);
    await prep.generateKey(0x9c, ALGORITHM.RSA1024);
    await prep.attest(0x9a);
    const card = stateToJson((backend as unknown as { state: Parameters<typeof stateToJson>[0] }).state);
    const seeds = await record(new PivCard(new SoftPivBackend(stateFromJson(card)), { random: fixedRandom }));
    return { card, seeds };
  },
  inputs: (s) =>
    fc.oneof(
      { weight: 5, arbitrary: bytesFrom(s.seeds, { maxEdits: 8 }) },
      {
        weight: 1,
        arbitrary: fc
          .array(
            fc
              .tuple(
                fc.constantFrom(0x00, 0x10, 0x0c, 0x80),
                fc.constantFrom(0xa4, 0xcb, 0xdb, 0x20, 0x24, 0x2c, 0x87, 0x47, 0xfe, 0xf7, 0xf9, 0xff, 0xc0, 0xfb, 0xfa, 0xfd, 0xf8),
                fc.nat({ max: 255 }),
                fc.nat({ max: 255 }),
                fc.uint8Array({ maxLength: 300 }),
              )
              .map(([cla, ins, p1, p2, data]) =>
                Uint8Array.of(cla, ins, p1, p2, ...(data.length ? [Math.min(data.length, 255), ...data.subarray(0, 255)] : [])),
              ),
            { minLength: 1, maxLength: 10 },
          )
          .map((cmds) => joinFrames([...splitFrames(s.seeds[2]).slice(0, 2), ...cmds])),
      },
    ),
  run: async (s, b) => {
    const failures: unknown[] = [];
    const card = new PivCard(new SoftPivBackend(stateFromJson(s.card)), { random: fixedRandom, onError: (e) => failures.push(e) });
    for (const cmd of splitFrames(b)) {
      const r = await card.transmit(cmd);
      oracle(r.length >= 2 && r.length <= 258, `a response of ${r.length} bytes`);
      const sw1 = r[r.length - 2];
      oracle(
        SW1.includes(sw1),
        `status word ${Buffer.from(r.subarray(-2)).toString('hex')} to ${Buffer.from(cmd.subarray(0, 4)).toString('hex')}`,
      );
      if (failures.length) throw failures[0];
    }
  },
  expected: () => false,
});
