import fc from 'fast-check';
import { fromHex } from '@scm/apdu';
import { PivCard, SoftPivBackend } from '@scm/card-engine';
import { frame, FrameReader, VpcdControl } from '@scm/vpcd';
import { bytesFrom } from '../harness/mutate';
import { defineTarget, oracle } from '../harness/target';

interface VpcdState {
  card: PivCard;
  seeds: Uint8Array[];
}

/**
 * What vpcd (a host we do not control) writes to the card's socket: a byte stream of u16-framed
 * payloads, cut into TCP chunks anywhere. Input: byte 0 picks the chunk size, the rest is the stream.
 */
export const vpcdFraming = defineTarget<VpcdState>({
  name: 'vpcd-framing',
  quickRuns: 100,
  about: 'vpcd FrameReader (stream reassembly, any chunking) feeding control bytes and APDUs to the software card',
  // A 64 KiB frame trickled in 1-byte chunks takes ~0.2 s when reassembly is linear (seconds when not).
  budgetMs: 1000,
  setup: async () => {
    const stream = (...payloads: Uint8Array[]) => Uint8Array.of(7, ...Buffer.concat(payloads.map((p) => frame(p))));
    const seeds = [
      stream(Uint8Array.of(VpcdControl.PowerOn), Uint8Array.of(VpcdControl.GetAtr), fromHex('00A4040009A0000003080000100000')),
      stream(fromHex('00CB3FFF055C035FC10700'), Uint8Array.of(VpcdControl.Reset), fromHex('00C0000000'), new Uint8Array(0)),
      stream(new Uint8Array(3000).fill(0x41)),
    ];
    return { card: new PivCard(new SoftPivBackend({ serial: 5 })), seeds };
  },
  inputs: (s) =>
    fc.oneof(
      { weight: 6, arbitrary: bytesFrom(s.seeds) },
      {
        weight: 1,
        // One big frame delivered in small chunks: reassembly must stay linear.
        arbitrary: fc
          .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1000, max: 0xffff }))
          .map(([chunk, n]) => Uint8Array.of(chunk, n >> 8, n & 0xff, ...new Uint8Array(n).fill(0x00))),
      },
    ),
  run: async (s, b) => {
    if (b.length === 0) return;
    const chunk = b[0] === 0 ? 1 : b[0];
    const stream = b.subarray(1);
    const reader = new FrameReader();
    let bytes = 0;
    for (let at = 0; at < stream.length; at += chunk) {
      for (const p of reader.push(stream.subarray(at, at + chunk))) {
        bytes += 2 + p.length;
        oracle(p.length <= 0xffff, 'a frame longer than 65535 bytes');
        if (p.length === 1) {
          if (p[0] === VpcdControl.GetAtr) s.card.atr();
          else if (p[0] === VpcdControl.Reset || p[0] === VpcdControl.PowerOn || p[0] === VpcdControl.PowerOff) s.card.reset();
          continue;
        }
        const r = await s.card.transmit(p);
        oracle(r.length >= 2, 'an answer without a status word');
      }
    }
    oracle(bytes <= stream.length, 'frames longer than the stream');
  },
  expected: () => false,
});
