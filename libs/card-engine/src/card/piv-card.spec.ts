import {
  constants,
  createECDH,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  publicEncrypt,
  verify as cryptoVerify,
  X509Certificate,
} from 'node:crypto';
import { fromHex, toHex, parseTlv, parseTlvs } from '@scm/apdu';
import { PivCard } from './piv-card';
import { SoftPivBackend } from '../backend/soft-piv-backend';

/** A card with a blank memory backend whose witnesses/challenges come from `randoms` in order. */
function makeCard(randoms: string[] = []): { card: PivCard; backend: SoftPivBackend } {
  const backend = new SoftPivBackend({ serial: 12345678 });
  const queue = randoms.map(fromHex);
  const card = new PivCard(backend, {
    random: (n) => {
      const v = queue.shift();
      if (!v || v.length !== n) throw new Error(`test RNG: no ${n}-byte value queued`);
      return v;
    },
    onError: (e) => {
      throw e;
    },
  });
  return { card, backend };
}

/** Sends hex, returns hex (upper case, no spaces). */
async function x(card: PivCard, apdu: string | Uint8Array): Promise<string> {
  return toHex(await card.transmit(typeof apdu === 'string' ? fromHex(apdu) : apdu));
}
const h = (s: string): string => s.replace(/\s/g, '').toUpperCase();
const SEL_OPENSC = '00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00';
const SEL_YKPIV = '00 A4 04 00 05 A0 00 00 03 08';
const APT = '61 11 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08 90 00';
const VERIFY_DEFAULT = '00 20 00 80 08 31 32 33 34 35 36 FF FF';
const VERIFY_WRONG = '00 20 00 80 08 39 39 39 39 39 39 FF FF';

/** Mutual 9B authentication with the default 3DES key and the crib's fixed W and C. */
async function authDefault(card: PivCard): Promise<void> {
  expect(await x(card, '00 87 03 9B 04 7C 02 80 00')).toBe(h('7C 0A 80 08 77 A7 D6 BC F5 79 62 B9 90 00'));
  expect(await x(card, '00 87 03 9B 16 7C 14 80 08 01 02 03 04 05 06 07 08 81 08 11 22 33 44 55 66 77 88')).toBe(
    h('7C 0A 82 08 6C 5E 94 DC AD D3 9F 1D 90 00'),
  );
}
const W_3DES = '0102030405060708';

/** Sends data with chaining in 255-byte parts the way OpenSC and ykpiv do; returns every response. */
async function chained(card: PivCard, head: string, data: Uint8Array, le?: number): Promise<string[]> {
  const [cla, ins, p1, p2] = fromHex(head);
  const out: string[] = [];
  for (let at = 0; at < data.length; at += 255) {
    const part = data.subarray(at, at + 255);
    const last = at + 255 >= data.length;
    const bytes = [last ? cla : cla | 0x10, ins, p1, p2, part.length, ...part, ...(last && le !== undefined ? [le] : [])];
    out.push(await x(card, Uint8Array.from(bytes)));
  }
  return out;
}

/** Reads a whole response, following 61xx with GET RESPONSE. */
async function readAll(card: PivCard, apdu: string | Uint8Array): Promise<{ data: Uint8Array; sw: string; rounds: number }> {
  let r = fromHex(await x(card, apdu));
  const parts: Uint8Array[] = [];
  let rounds = 1;
  while (r[r.length - 2] === 0x61) {
    parts.push(r.subarray(0, r.length - 2));
    r = fromHex(await x(card, Uint8Array.of(0x00, 0xc0, 0x00, 0x00, r[r.length - 1])));
    rounds++;
    if (rounds > 50) throw new Error('endless 61xx');
  }
  parts.push(r.subarray(0, r.length - 2));
  return { data: Buffer.concat(parts), sw: toHex(r.subarray(r.length - 2)), rounds };
}

const pad = (b: Buffer, n: number): Buffer => Buffer.concat([Buffer.alloc(n - b.length), b]);

describe('PivCard: selection and refusal', () => {
  it('answers SELECT of PIV (9-byte and 5-byte AID) with the YubiKey APT', async () => {
    const { card } = makeCard();
    expect(await x(card, SEL_OPENSC)).toBe(h(APT));
    expect(await x(card, SEL_YKPIV)).toBe(h(APT));
    expect(await x(card, '00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00')).toBe(h(APT));
  });

  it('refuses the other drivers probes, unknown INS and CLA', async () => {
    const { card } = makeCard();
    for (const probe of [
      '00 A4 04 00 07 62 76 01 FF 00 00 00',
      '00 A4 04 00 06 A0 00 00 00 01 01',
      '00 A4 04 00 0C E8 2B 06 01 04 01 81 C3 1F 02 01 00',
      '00 A4 04 0C 0F D2 33 00 00 00 45 73 74 45 49 44 20 76 33 35',
      '00 A4 04 00 04 A0 00 00 03',
      '00 A4 04 00 0C A0 00 00 03 08 00 00 10 00 01 00 00',
    ]) {
      expect(await x(card, probe)).toBe('6A82');
    }
    expect(await x(card, '00 CA DF 30 05')).toBe('6D00');
    expect(await x(card, '00 B0 00 00 00')).toBe('6D00');
    expect(await x(card, '80 FD 00 00 00')).toBe('6E00');
    expect(await x(card, '0C FD 00 00 00')).toBe('6E00');
    expect(await x(card, '00 FD')).toBe('6700');
    expect(await x(card, '00 20 00 80 08 31 32')).toBe('6700');
    // After refused selects PIV is still the selected application.
    expect(await x(card, '00 FD 00 00 00')).toBe('0504039000');
  });

  it('answers version and serial in every Le form, short and extended', async () => {
    const { card } = makeCard();
    for (const v of ['00 FD 00 00', '00 FD 00 00 00', '00 FD 00 00 03', '00 FD 00 00 00 00 00'])
      expect(await x(card, v)).toBe('0504039000');
    expect(await x(card, '00 F8 00 00 00')).toBe(h('00 BC 61 4E 90 00'));
  });

  it('serves Discovery as a YubiKey does, without any SELECT', async () => {
    const { card } = makeCard();
    expect(await x(card, '00 CB 3F FF 03 5C 01 7E 00')).toBe(h('7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00 90 00'));
  });
});

describe('PivCard: PIN and PUK', () => {
  it('verifies the PIN, answers status queries and logs out', async () => {
    const { card } = makeCard();
    expect(await x(card, SEL_OPENSC)).toBe(h(APT));
    expect(await x(card, '00 20 00 80')).toBe('63C3');
    expect(await x(card, '00 20 00 80 00')).toBe('63C3');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect(await x(card, '00 20 00 80')).toBe('9000');
    expect(await x(card, '00 20 00 80 00')).toBe('9000');
    expect(await x(card, '00 20 FF 80')).toBe('9000');
    expect(await x(card, '00 20 00 80')).toBe('63C3');
    expect(await x(card, '00 20 00 81 08 31 32 33 34 35 36 37 38')).toBe('6A88');
  });

  it('counts wrong PINs down to blocked, and a right PIN resets the counter', async () => {
    const { card } = makeCard();
    expect(await x(card, VERIFY_WRONG)).toBe('63C2');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect(await x(card, '00 20 FF 80')).toBe('9000');
    expect(await x(card, VERIFY_WRONG)).toBe('63C2');
    expect(await x(card, VERIFY_WRONG)).toBe('63C1');
    expect(await x(card, VERIFY_WRONG)).toBe('63C0');
    expect(await x(card, VERIFY_WRONG)).toBe('6983');
    expect(await x(card, VERIFY_DEFAULT)).toBe('6983');
    expect(await x(card, '00 20 00 80')).toBe('6983');
    // FB reset is refused while the PUK still works.
    expect(await x(card, '00 FB 00 00')).toBe('6985');
    // Unblock with the PUK and a new PIN.
    expect(await x(card, '00 2C 00 80 10 31 32 33 34 35 36 37 38 31 31 31 31 31 31 FF FF')).toBe('9000');
    expect(await x(card, VERIFY_DEFAULT)).toBe('63C2');
    expect(await x(card, '00 20 00 80 08 31 31 31 31 31 31 FF FF')).toBe('9000');
  });

  it('changes PIN and PUK, rejecting too-short new values without spending a try', async () => {
    const { card } = makeCard();
    expect(await x(card, '00 24 00 80 10 31 32 33 34 35 36 FF FF 31 32 33 FF FF FF FF FF')).toBe('6A80');
    expect(await x(card, '00 24 00 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 FF FF')).toBe('9000');
    expect(await x(card, '00 24 00 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 FF FF')).toBe('63C2');
    expect(await x(card, '00 20 00 80 08 36 35 34 33 32 31 FF FF')).toBe('9000');
    expect(await x(card, '00 24 00 81 10 31 32 33 34 35 36 37 38 38 37 36 35 34 33 32 31')).toBe('9000');
    expect(await x(card, '00 2C 00 80 10 31 32 33 34 35 36 37 38 31 31 31 31 31 31 FF FF')).toBe('63C2');
    expect(await x(card, '00 2C 00 80 10 38 37 36 35 34 33 32 31 31 31 31 31 31 31 FF FF')).toBe('9000');
  });

  it('resets to a blank card only when PIN and PUK are both blocked', async () => {
    const { card, backend } = makeCard([W_3DES]);
    await authDefault(card);
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 02 53 02 01 02')).toBe('9000');
    for (let i = 0; i < 3; i++) await x(card, VERIFY_WRONG);
    expect(await x(card, '00 FB 00 00')).toBe('6985');
    for (const left of ['63C2', '63C1', '63C0', '6983']) {
      expect(await x(card, '00 2C 00 80 10 39 39 39 39 39 39 39 39 31 31 31 31 31 31 FF FF')).toBe(left);
    }
    expect(await x(card, '00 FB 00 00')).toBe('9000');
    expect(await x(card, '00 CB 3F FF 05 5C 03 5F C1 02 00')).toBe('6A82');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect((await backend.managementKey()).isDefault).toBe(true);
    // The reset also dropped the management-key authentication.
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 02 53 02 01 02')).toBe('6982');
  });
});

describe('PivCard: management key', () => {
  it('authenticates the default 3DES key (mutual) with the crib example', async () => {
    const { card } = makeCard([W_3DES]);
    await authDefault(card);
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 02 53 02 01 02')).toBe('9000');
  });

  it('refuses a wrong witness and a witness that was not asked for in the previous command', async () => {
    const { card } = makeCard([W_3DES, W_3DES]);
    expect(await x(card, '00 87 03 9B 04 7C 02 80 00')).toBe(h('7C 0A 80 08 77 A7 D6 BC F5 79 62 B9 90 00'));
    expect(await x(card, '00 87 03 9B 16 7C 14 80 08 01 02 03 04 05 06 07 09 81 08 11 22 33 44 55 66 77 88')).toBe('6982');
    expect(await x(card, '00 87 03 9B 04 7C 02 80 00')).toBe(h('7C 0A 80 08 77 A7 D6 BC F5 79 62 B9 90 00'));
    expect(await x(card, '00 FD 00 00 00')).toBe('0504039000');
    expect(await x(card, '00 87 03 9B 16 7C 14 80 08 01 02 03 04 05 06 07 08 81 08 11 22 33 44 55 66 77 88')).toBe('6982');
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 02 53 02 01 02')).toBe('6982');
    expect(await x(card, '00 87 08 9B 04 7C 02 80 00')).toBe('6A86');
  });

  it('authenticates one-way (81 00, then 82 E(C))', async () => {
    const { card } = makeCard(['1122334455667788', '1122334455667788']);
    expect(await x(card, '00 87 03 9B 04 7C 02 81 00')).toBe(h('7C 0A 81 08 11 22 33 44 55 66 77 88 90 00'));
    expect(await x(card, '00 87 03 9B 0C 7C 0A 82 08 6C 5E 94 DC AD D3 9F 1E')).toBe('6982');
    expect(await x(card, '00 87 03 9B 04 7C 02 81 00')).toBe(h('7C 0A 81 08 11 22 33 44 55 66 77 88 90 00'));
    expect(await x(card, '00 87 03 9B 0C 7C 0A 82 08 6C 5E 94 DC AD D3 9F 1D')).toBe('9000');
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 02 53 02 01 02')).toBe('9000');
  });

  it('sets an AES-128 key and authenticates with it (crib example)', async () => {
    const W = '101112131415161718191A1B1C1D1E1F';
    const { card } = makeCard([W_3DES, W]);
    await authDefault(card);
    expect(await x(card, '00 FF FF FF 13 08 9B 10 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F')).toBe('9000');
    expect(await x(card, '00 F7 00 9B 00')).toBe(h('01 01 08 02 02 00 01 05 01 00 90 00'));
    expect(await x(card, '00 87 08 9B 04 7C 02 80 00')).toBe(h('7C 12 80 10 07 FE EF 74 E1 D5 03 6E 90 0E EE 11 8E 94 92 93 90 00'));
    expect(await x(card, `00 87 08 9B 26 7C 24 80 10 ${W} 81 10 202122232425262728292A2B2C2D2E2F`)).toBe(
      h('7C 12 82 10 5B E8 7E 2E 5B 44 7C 94 4B 21 C9 AF 77 56 C0 D8 90 00'),
    );
    expect(await x(card, '00 87 03 9B 04 7C 02 80 00')).toBe('6A86');
  });

  it('accepts AES-192/256 and refuses wrong key lengths', async () => {
    const { card, backend } = makeCard([W_3DES]);
    await authDefault(card);
    expect(await x(card, `00 FF FF FF 1A 0A 9B 17 ${'11'.repeat(23)}`)).toBe('6A80');
    expect(await x(card, `00 FF FF FE 23 0C 9B 20 ${'11'.repeat(32)}`)).toBe('9000');
    const k = await backend.managementKey();
    expect([k.algorithm, k.touchPolicy, k.isDefault]).toEqual([0x0c, 2, false]);
    expect(await x(card, '00 FF FF FF 03 0A 9B 00')).toBe('6A80');
  });
});

describe('PivCard: data objects and response chaining', () => {
  it('stores a chained 805-byte PUT DATA and returns it in 256-byte parts with 61xx', async () => {
    const { card } = makeCard([W_3DES]);
    await authDefault(card);
    const cert = Buffer.alloc(787, 0xab);
    const data = Buffer.concat([fromHex('5C 03 5F C1 05 53 82 03 1C 70 82 03 13'), cert, fromHex('71 01 00 FE 00')]);
    expect(data.length).toBe(805);
    const answers = await chained(card, '00 DB 3F FF', data);
    expect(answers).toEqual(['9000', '9000', '9000', '9000']);
    const r = await readAll(card, '00 CB 3F FF 05 5C 03 5F C1 05 00');
    expect(r.sw).toBe('9000');
    expect(r.rounds).toBe(4);
    expect(toHex(r.data)).toBe(toHex(data.subarray(5)));
    // ykpiv 2.2.0 sends GET DATA without Le and still gets the data.
    const first = fromHex(await x(card, '00 CB 3F FF 05 5C 03 5F C1 05'));
    expect(first.length).toBe(258);
    expect(toHex(first.subarray(256))).toBe('6100');
  });

  it('honours a short Le (OpenSC probe with Le=08) and drops the pending rest on the next command', async () => {
    const { card } = makeCard([W_3DES]);
    await authDefault(card);
    await chained(card, '00 DB 3F FF', Buffer.concat([fromHex('5C 03 5F C1 02 53 82 01 2C'), Buffer.alloc(300, 7)]));
    const probe = await x(card, '00 CB 3F FF 05 5C 03 5F C1 02 08');
    expect(probe).toBe(h(`53 82 01 2C 07 07 07 07 61 00`));
    expect(await x(card, '00 20 00 80')).toBe('63C3');
    expect(await x(card, '00 C0 00 00 00')).toBe('6985');
    const full = await readAll(card, '00 CB 3F FF 05 5C 03 5F C1 02 00');
    expect(full.data.length).toBe(304);
    expect(full.rounds).toBe(2);
    // The last part is announced with its exact length: 304 - 256 = 48 = 0x30.
    expect((await x(card, '00 CB 3F FF 05 5C 03 5F C1 02 00')).slice(-4)).toBe('6130');
  });

  it('needs the management key to write and the PIN to read Printed Information', async () => {
    const { card } = makeCard([W_3DES]);
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 09 53 02 01 02')).toBe('6982');
    await authDefault(card);
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 09 53 02 01 02')).toBe('9000');
    expect(await x(card, '00 CB 3F FF 05 5C 03 5F C1 09 00')).toBe('6982');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect(await x(card, '00 CB 3F FF 05 5C 03 5F C1 09 00')).toBe('53020102' + '9000');
    // 53 00 deletes; a missing object is 6A82.
    expect(await x(card, '00 DB 3F FF 07 5C 03 5F C1 09 53 00')).toBe('9000');
    expect(await x(card, '00 CB 3F FF 05 5C 03 5F C1 09 00')).toBe('6A82');
    // Discovery and the BIT group are written bare.
    expect(await x(card, '00 DB 3F FF 14 7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 60 20')).toBe('9000');
    expect(await x(card, '00 CB 3F FF 03 5C 01 7E 00')).toBe(h('7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 60 20 90 00'));
    expect(await x(card, '00 DB 3F FF 06 7F 61 03 02 01 01')).toBe('9000');
    expect(await x(card, '00 CB 3F FF 04 5C 02 7F 61 00')).toBe('7F6103020101' + '9000');
    // Junk: trailing bytes, unknown tag, a PUT DATA that is not 5C+53.
    expect(await x(card, '00 CB 3F FF 06 5C 03 5F C1 09 00')).toBe('6A80');
    expect(await x(card, '00 CB 3F FF 05 5C 03 5F C2 01 00')).toBe('6A82');
    expect(await x(card, '00 DB 3F FF 05 5C 03 5F C1 09')).toBe('6A80');
    expect(await x(card, '00 CB 3F 00 05 5C 03 5F C1 09 00')).toBe('6A86');
  });

  it('abandons a chain when another command comes in between', async () => {
    const { card } = makeCard([W_3DES]);
    await authDefault(card);
    expect(await x(card, '10 DB 3F FF 05 5C 03 5F C1 02')).toBe('9000');
    expect(await x(card, '00 FD 00 00 00')).toBe('0504039000');
    expect(await x(card, '00 DB 3F FF 04 53 02 01 02')).toBe('6A80');
  });
});

describe('PivCard: security state', () => {
  it('keeps PIN and management-key state across a re-SELECT of PIV', async () => {
    const { card } = makeCard([W_3DES]);
    expect(await x(card, SEL_OPENSC)).toBe(h(APT));
    await authDefault(card);
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect(await x(card, SEL_OPENSC)).toBe(h(APT));
    expect(await x(card, SEL_YKPIV)).toBe(h(APT));
    expect(await x(card, '00 20 00 80')).toBe('9000');
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 02 53 02 01 02')).toBe('9000');
  });

  it('clears it when the management application is selected, and on power-off and reset', async () => {
    const { card } = makeCard([W_3DES, W_3DES]);
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect(await x(card, '00 A4 04 00 08 A0 00 00 05 27 47 11 17')).toBe(toHex(Buffer.from('5.4.3')) + '9000');
    expect(await x(card, '00 20 00 80')).toBe('6D00');
    expect(await x(card, SEL_YKPIV)).toBe(h(APT));
    expect(await x(card, '00 20 00 80')).toBe('63C3');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    await authDefault(card);
    card.powerOff();
    card.powerOn();
    expect(await x(card, '00 20 00 80')).toBe('63C3');
    expect(await x(card, '00 DB 3F FF 09 5C 03 5F C1 02 53 02 01 02')).toBe('6982');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    card.reset();
    expect(await x(card, '00 20 00 80')).toBe('63C3');
  });
});

describe('PivCard: keys', () => {
  it('imports RSA-2048 into 9A with the crib chaining and signs a PKCS#1 block after VERIFY', async () => {
    const { card } = makeCard([W_3DES]);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const j = privateKey.export({ format: 'jwk' });
    const comp = (s: string | undefined): Buffer => pad(Buffer.from(s ?? '', 'base64url'), 128);
    const data = Buffer.concat([j.p, j.q, j.dp, j.dq, j.qi].map((v, i) => Buffer.concat([Buffer.of(i + 1, 0x81, 0x80), comp(v)])));
    expect(data.length).toBe(655);
    await authDefault(card);
    const apdus: string[] = [];
    const sent = await chained(card, '00 FE 07 9A', data);
    for (let at = 0; at < data.length; at += 255) apdus.push(toHex(data.subarray(at, at + 255)));
    expect(sent).toEqual(['9000', '9000', '9000']);
    // The three parts are 255, 255 and 0x91 = 145 bytes, as yubico-piv-tool sends them.
    expect(apdus.map((a) => a.length / 2)).toEqual([255, 255, 0x91]);

    // A SHA-256 DigestInfo in PKCS#1 v1.5 type 1 padding, as OpenSC builds it.
    const digestInfo = Buffer.concat([fromHex('3031300d060960864801650304020105000420'), createHash('sha256').update('hello').digest()]);
    const block = Buffer.concat([Buffer.of(0, 1), Buffer.alloc(256 - 3 - digestInfo.length, 0xff), Buffer.of(0), digestInfo]);
    const ga = Buffer.concat([fromHex('7C 82 01 06 82 00 81 82 01 00'), block]);
    expect(await chained(card, '00 87 07 9A', ga, 0)).toEqual(['9000', '6982']);
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    const parts = await chained(card, '00 87 07 9A', ga, 0);
    expect(parts[0]).toBe('9000');
    expect(parts[1].slice(0, 16)).toBe(h('7C 82 01 04 82 82 01 00'));
    expect(parts[1].slice(-4)).toBe('6108');
    const rest = await x(card, '00 C0 00 00 08');
    expect(rest.slice(-4)).toBe('9000');
    const sig = Buffer.concat([fromHex(parts[1].slice(16, -4)), fromHex(rest.slice(0, -4))]);
    expect(sig.length).toBe(256);
    expect(cryptoVerify('sha256', Buffer.from('hello'), publicKey, sig)).toBe(true);
    // Decrypting is the same raw operation.
    const secret = Buffer.from('session key');
    const enc = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, pad(secret, 256));
    const all = await readAllChained(card, '00 87 07 9A', Buffer.concat([fromHex('7C 82 01 06 82 00 81 82 01 00'), enc]));
    expect(toHex(all.subarray(-secret.length))).toBe(toHex(secret));
  });

  it('refuses an RSA import whose components do not belong together', async () => {
    const { card } = makeCard([W_3DES]);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const j = privateKey.export({ format: 'jwk' });
    const comp = (s: string | undefined): Buffer => pad(Buffer.from(s ?? '', 'base64url'), 128);
    const vals = [j.p, j.q, j.dp, j.dq, j.qi].map(comp);
    vals[4][127] ^= 1;
    const data = Buffer.concat(vals.map((v, i) => Buffer.concat([Buffer.of(i + 1, 0x81, 0x80), v])));
    await authDefault(card);
    expect((await chained(card, '00 FE 07 9A', data)).pop()).toBe('6A80');
    expect(await x(card, '00 F7 00 9A 00')).toBe('6A88');
  });

  it('generates P-256 in 9E (7F49 43 86 41 04 X Y) and RSA-2048 in 9D (61 0E)', async () => {
    const { card } = makeCard([W_3DES]);
    expect(await x(card, '00 47 00 9E 05 AC 03 80 01 11')).toBe('6982');
    await authDefault(card);
    const ec = await x(card, '00 47 00 9E 05 AC 03 80 01 11');
    expect(ec.slice(0, 10)).toBe('7F49438641');
    expect(ec.slice(10, 12)).toBe('04');
    expect(ec.length).toBe((5 + 65 + 2) * 2);
    const rsaFirst = await x(card, '00 47 00 9D 05 AC 03 80 01 07');
    expect(rsaFirst.slice(0, 18)).toBe(h('7F 49 82 01 09 81 82 01 00'));
    expect(rsaFirst.slice(-4)).toBe('610E');
    const rsaRest = await x(card, '00 C0 00 00 0E');
    expect(rsaRest.slice(-14)).toBe(h('82 03 01 00 01 90 00'));
    // Metadata: generated, default policies resolved (9D once/never, 9E never/never).
    expect((await x(card, '00 F7 00 9E 00')).slice(0, 22)).toBe(h('01 01 11 02 02 01 01 03 01 01 04'));
    expect((await x(card, '00 F7 00 9D 00')).slice(0, 22)).toBe(h('01 01 07 02 02 02 01 03 01 01 04'));
    // ECDSA with 9E needs no PIN; the signature verifies over the digest.
    const point = fromHex(ec.slice(10, -4));
    const pub = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: Buffer.from(point.subarray(1, 33)).toString('base64url'),
        y: Buffer.from(point.subarray(33)).toString('base64url'),
      },
      format: 'jwk',
    });
    const digest = createHash('sha256').update('message').digest();
    const r = await x(card, Uint8Array.from([...fromHex('00 87 11 9E 26 7C 24 82 00 81 20'), ...digest, 0x00]));
    expect(r.slice(-4)).toBe('9000');
    const outer = parseTlv(fromHex(r.slice(0, -4)));
    const der = parseTlvs(outer.value)[0].value;
    expect(cryptoVerify('sha256', Buffer.from('message'), pub, der)).toBe(true);
    // ECDH: the card's X equals ours.
    const peer = createECDH('prime256v1');
    peer.generateKeys();
    const dh = await x(card, Uint8Array.from([...fromHex('00 87 11 9E 47 7C 45 82 00 85 41'), ...peer.getPublicKey(), 0x00]));
    expect(dh).toBe(h(`7C 22 82 20 ${peer.computeSecret(point).toString('hex')} 90 00`));
    // Wrong algorithm in P1, unknown slot, empty slot.
    expect(await x(card, Uint8Array.from([...fromHex('00 87 14 9E 26 7C 24 82 00 81 20'), ...digest]))).toBe('6A86');
    expect(await x(card, Uint8Array.from([...fromHex('00 87 11 9A 26 7C 24 82 00 81 20'), ...digest]))).toBe('6A88');
    expect(await x(card, Uint8Array.from([...fromHex('00 87 11 80 26 7C 24 82 00 81 20'), ...digest]))).toBe('6A86');
  });

  it('needs a VERIFY immediately before each use of a PIN-always key (9C)', async () => {
    const { card } = makeCard([W_3DES]);
    await authDefault(card);
    const scalar = createECDH('prime256v1');
    scalar.generateKeys();
    const d = scalar.getPrivateKey();
    expect(await x(card, Uint8Array.from([...fromHex('00 FE 11 9C 22 06 20'), ...pad(d, 32)]))).toBe('9000');
    const sign = Uint8Array.from([...fromHex('00 87 11 9C 26 7C 24 82 00 81 20'), ...createHash('sha256').update('m').digest(), 0x00]);
    expect(await x(card, sign)).toBe('6982');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect((await x(card, sign)).slice(-4)).toBe('9000');
    expect(await x(card, sign)).toBe('6982');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect(await x(card, '00 FD 00 00 00')).toBe('0504039000');
    expect(await x(card, sign)).toBe('6982');
    // The PIN itself is still verified (status), only the "just verified" token was spent.
    expect(await x(card, '00 20 00 80')).toBe('9000');
    // Imported keys carry origin 2 and the default policy of 9C (always).
    expect((await x(card, '00 F7 00 9C 00')).slice(0, 22)).toBe(h('01 01 11 02 02 03 01 03 01 02 04'));
  });

  it('reports PIN, PUK and management-key metadata', async () => {
    const { card } = makeCard();
    expect(await x(card, '00 F7 00 80 00')).toBe(h('01 01 FF 05 01 01 06 02 03 03 90 00'));
    await x(card, VERIFY_WRONG);
    expect(await x(card, '00 F7 00 80 00')).toBe(h('01 01 FF 05 01 01 06 02 03 02 90 00'));
    expect(await x(card, '00 F7 00 81 00')).toBe(h('01 01 FF 05 01 01 06 02 03 03 90 00'));
    expect(await x(card, '00 F7 00 9B 00')).toBe(h('01 01 03 02 02 00 01 05 01 01 90 00'));
  });

  it('sets PIN and PUK retries (with management key and PIN) and restores their defaults', async () => {
    const { card } = makeCard([W_3DES]);
    await authDefault(card);
    expect(await x(card, '00 FA 05 06')).toBe('6982');
    expect(await x(card, '00 24 00 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 FF FF')).toBe('9000');
    expect(await x(card, '00 20 00 80 08 36 35 34 33 32 31 FF FF')).toBe('9000');
    expect(await x(card, '00 FA 05 06')).toBe('9000');
    expect(await x(card, '00 20 00 80')).toBe('63C5');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    expect(await x(card, '00 F7 00 81 00')).toBe(h('01 01 FF 05 01 01 06 02 06 06 90 00'));
  });
});

describe('PivCard: retired slots, Key History, P-384, extended APDUs', () => {
  it('imports P-384 into retired slot 82, signs with it after VERIFY, and keeps Key History and retired certificates', async () => {
    const { card } = makeCard([W_3DES]);
    await authDefault(card);
    const ec = createECDH('secp384r1');
    ec.generateKeys();
    expect(await x(card, Uint8Array.from([...fromHex('00 FE 14 82 32 06 30'), ...pad(ec.getPrivateKey(), 48)]))).toBe('9000');
    // Key History: one retired key on the card; retired certificate 1 is 5FC10D.
    expect(await x(card, '00 DB 3F FF 0F 5C 03 5F C1 0C 53 08 C1 01 01 C2 01 00 FE 00')).toBe('9000');
    expect(await x(card, '00 DB 3F FF 0D 5C 03 5F C1 0D 53 06 70 01 30 71 01 00')).toBe('9000');
    expect(await x(card, '00 CB 3F FF 05 5C 03 5F C1 0C 00')).toBe(h('53 08 C1 01 01 C2 01 00 FE 00 90 00'));
    expect(await x(card, '00 CB 3F FF 05 5C 03 5F C1 0D 00')).toBe(h('53 06 70 01 30 71 01 00 90 00'));
    const digest = createHash('sha384').update('retired').digest();
    const sign = Uint8Array.from([...fromHex('00 87 14 82 36 7C 34 82 00 81 30'), ...digest, 0x00]);
    expect(await x(card, sign)).toBe('6982');
    expect(await x(card, VERIFY_DEFAULT)).toBe('9000');
    const r = fromHex(await x(card, sign));
    expect(toHex(r.subarray(-2))).toBe('9000');
    const der = parseTlvs(parseTlv(r.subarray(0, -2)).value)[0].value;
    const point = ec.getPublicKey();
    const pub = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-384',
        x: Buffer.from(point.subarray(1, 49)).toString('base64url'),
        y: Buffer.from(point.subarray(49)).toString('base64url'),
      },
      format: 'jwk',
    });
    expect(cryptoVerify('sha384', Buffer.from('retired'), pub, der)).toBe(true);
    // GENERATE P-384 still fits a one-byte 7F49 length (ykpiv reads the point at a fixed offset).
    expect((await x(card, '00 47 00 95 05 AC 03 80 01 14')).slice(0, 10)).toBe('7F49638661');
  });

  it('takes extended APDUs and refuses a chain longer than the limit', async () => {
    const { card } = makeCard([W_3DES]);
    await authDefault(card);
    const body = Buffer.concat([fromHex('5C 03 5F C1 02 53 82 01 2C'), Buffer.alloc(300, 9)]);
    const ext = Uint8Array.from([0x00, 0xdb, 0x3f, 0xff, 0x00, body.length >> 8, body.length & 0xff, ...body]);
    expect(await x(card, ext)).toBe('9000');
    // Extended Le: the answer is still cut at 256 bytes with 61xx.
    const r = await x(card, '00 CB 3F FF 00 00 05 5C 03 5F C1 02 00 00');
    expect(r.length / 2).toBe(258);
    expect(r.slice(-4)).toBe('6130');
    const big = Buffer.alloc(17 * 1024, 1);
    const answers = await chained(card, '00 DB 3F FF', big);
    expect(answers.slice(0, 3)).toEqual(['9000', '9000', '9000']);
    expect(answers).toContain('6A84');
  });
});

describe('PivCard: attestation', () => {
  it('attests a generated key with a certificate signed by the F9 key, and refuses imported and empty slots', async () => {
    const { card, backend } = makeCard([W_3DES]);
    await authDefault(card);
    expect(await x(card, '00 F9 9A 00 00')).toBe('6A88');
    const gen = await x(card, '00 47 00 9A 05 AC 03 80 01 11');
    expect(gen.slice(-4)).toBe('9000');
    const att = await readAll(card, '00 F9 9A 00 00');
    expect(att.sw).toBe('9000');
    const cert = new X509Certificate(Buffer.from(att.data));
    expect(cert.subject).toBe('CN=YubiKey PIV Attestation 9a');
    expect(cert.publicKey.export({ format: 'der', type: 'spki' })).toEqual(
      (await backend.getKey(0x9a))!.publicKey.export({ format: 'der', type: 'spki' }),
    );
    // The issuer is the certificate in 5FFF01 (70/71/FE container), whose key signed it.
    const f9 = await readAll(card, '00 CB 3F FF 05 5C 03 5F FF 01 00');
    const object = parseTlv(f9.data);
    expect(object.tag).toBe(0x53);
    const issuer = new X509Certificate(Buffer.from(parseTlvs(object.value)[0].value));
    expect(issuer.subject).toBe('CN=SCM Software PIV Attestation 12345678');
    expect(cert.issuer).toBe(issuer.subject);
    expect(cert.verify(issuer.publicKey)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(false);
    // Yubico's extensions: firmware 5.4.3, serial, PIN policy once (2) and touch never (1).
    const der = Buffer.from(att.data).toString('hex');
    expect(der).toContain('060a2b0601040182c40a0303' + '0403' + '050403');
    expect(der).toContain('060a2b0601040182c40a0307' + '0406' + '020400bc614e');
    expect(der).toContain('060a2b0601040182c40a0308' + '0402' + '0201');
    // A second attestation uses the same authority.
    const again = new X509Certificate(Buffer.from((await readAll(card, '00 F9 9A 00 00')).data));
    expect(again.verify(issuer.publicKey)).toBe(true);
    // Imported keys are not attested.
    const ec = createECDH('prime256v1');
    ec.generateKeys();
    expect(await x(card, Uint8Array.from([...fromHex('00 FE 11 9C 22 06 20'), ...pad(ec.getPrivateKey(), 32)]))).toBe('9000');
    expect(await x(card, '00 F9 9C 00 00')).toBe('6A80');
  });
});

/** Sends a chained command and reads its whole answer. */
async function readAllChained(card: PivCard, head: string, data: Uint8Array): Promise<Buffer> {
  const answers = await chained(card, head, data, 0);
  let last = fromHex(answers[answers.length - 1]);
  const parts: Uint8Array[] = [last.subarray(0, -2)];
  while (last[last.length - 2] === 0x61) {
    last = fromHex(await x(card, Uint8Array.of(0, 0xc0, 0, 0, last[last.length - 1])));
    parts.push(last.subarray(0, -2));
  }
  expect(toHex(last.subarray(-2))).toBe('9000');
  return Buffer.concat(parts);
}
