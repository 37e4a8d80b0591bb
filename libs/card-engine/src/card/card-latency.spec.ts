import { fromHex, toHex } from '@scm/apdu';
import { SoftPivBackend } from '../backend/soft-piv-backend';
import { latencyOf, parseCardLatency, YUBIKEY5_LATENCY } from './card-latency';
import { PivCard } from './piv-card';

describe('card latency model', () => {
  it('is off unless asked for, and reads the YubiKey 5 defaults with overrides', () => {
    for (const off of [undefined, '', 'off', '0']) expect(parseCardLatency(off)).toBeUndefined();
    expect(parseCardLatency('yubikey5')).toEqual(YUBIKEY5_LATENCY);
    const l = parseCardLatency('yubikey5, apdu=2, rsa2048=9000')!;
    expect(l.apduMs).toBe(2);
    expect(l.keyGenerationMs).toMatchObject({ RSA2048: 9000, P256: YUBIKEY5_LATENCY.keyGenerationMs.P256 });
    expect(parseCardLatency('apdu=3,p384=700')).toEqual({ apduMs: 3, keyGenerationMs: { P384: 700 } });
    // The defaults keep the documented order: ECC well under a second, RSA-2048 seconds.
    expect(YUBIKEY5_LATENCY.keyGenerationMs.P256!).toBeLessThan(1000);
    expect(YUBIKEY5_LATENCY.keyGenerationMs.RSA2048!).toBeGreaterThanOrEqual(2000);
  });

  it('refuses a setting it cannot read, naming it', () => {
    expect(() => parseCardLatency('yubikey5,ed448=3')).toThrow(/unknown "ed448"/);
    expect(() => parseCardLatency('apdu=fast')).toThrow(/"apdu=fast" is not name=ms/);
  });

  it('charges the key generation of the algorithm the card generated, on top of the APDU', () => {
    const l = parseCardLatency('apdu=5,p256=100,rsa2048=4000')!;
    expect(latencyOf(l, { ins: 0xcb })).toBe(5);
    expect(latencyOf(l, { ins: 0x47, generatedAlgorithm: 0x11 })).toBe(105);
    expect(latencyOf(l, { ins: 0x47, generatedAlgorithm: 0x07 })).toBe(4005);
    expect(latencyOf(l, { ins: 0x47, generatedAlgorithm: 0x14 })).toBe(5);
  });

  describe('a software card with a latency model', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['performance'] }));
    afterEach(() => jest.useRealTimers());

    it('answers an APDU only after its latency, and a P-256 generation after the generation time', async () => {
      const card = new PivCard(new SoftPivBackend({ serial: 1 }), {
        latency: parseCardLatency('apdu=1000,p256=2000')!,
        random: (n) => fromHex('0102030405060708').subarray(0, n),
      });
      let answered: string | undefined;
      void card.transmit(fromHex('00CB3FFF055C035FC102')).then((r) => (answered = toHex(r)));
      // The latency counts the card's own (real) processing time, which a loaded machine stretches:
      // 1 s per APDU leaves it up to 0.5 s before the answer may come early.
      await jest.advanceTimersByTimeAsync(500);
      expect(answered).toBeUndefined();
      await jest.advanceTimersByTimeAsync(600);
      expect(answered).toBe('6A82');

      // Authenticate with the default 3DES key (the crib's fixed witness and challenge), then GENERATE P-256 in 9A.
      const steps = ['0087039B047C028000', '0087039B167C148008010203040506070881081122334455667788'];
      for (const s of steps) {
        const p = card.transmit(fromHex(s));
        await jest.advanceTimersByTimeAsync(1100);
        await p;
      }
      let generated: string | undefined;
      void card.transmit(fromHex('0047009A05AC03800111')).then((r) => (generated = toHex(r)));
      // The key itself is made on a real thread: step the clock until the answer comes, for as long
      // as that thread takes on this machine (up to 30 s of real time; a count of steps was too short
      // under load).
      let waited = 0;
      for (const t0 = performance.now(); generated === undefined && performance.now() - t0 < 30_000; waited += 50)
        await jest.advanceTimersByTimeAsync(50);
      expect(generated?.endsWith('9000')).toBe(true);
      expect(waited).toBeGreaterThanOrEqual(2500);
    });
  });
});
