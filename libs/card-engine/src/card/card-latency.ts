import { KeyAlgorithm, type KeyAlgorithmId } from '../piv.constants';

/**
 * How long a real card takes: a fixed cost per APDU (the USB CCID round trip and the card's
 * command processing) and, for GENERATE ASYMMETRIC KEY PAIR, the on-card key generation per
 * algorithm. The software card answers at once without it; with it, it waits as a card would.
 * Off by default (tests); benchmarks turn it on to see how SCM does with cards as slow as real ones.
 */
export interface CardLatency {
  /** Added to every APDU, in ms. */
  apduMs: number;
  /** Added to a successful key generation, by algorithm, in ms (missing: 0). */
  keyGenerationMs: Partial<Record<KeyAlgorithmName, number>>;
}

export type KeyAlgorithmName = keyof typeof KeyAlgorithm;

/**
 * A YubiKey 5-like card. No vendor publishes timings, so these are estimates bracketed by public
 * reports (sources and reasoning in bench/personalise-scaling.ts and docs/performance.md):
 * an APDU on a USB full-speed CCID reader is a few ms (an empty GET DATA answers in under 1 ms on
 * the card itself); an on-card ECC key pair well under a second; an on-card RSA key pair needs a
 * prime search and takes seconds (RSA-2048 around 5–10 s on smart-card chips), longer for larger keys.
 */
export const YUBIKEY5_LATENCY: CardLatency = {
  apduMs: 4,
  keyGenerationMs: { P256: 250, P384: 500, RSA1024: 1500, RSA2048: 6000, RSA3072: 20_000 },
};

const NAMES: Record<string, KeyAlgorithmName> = {
  p256: 'P256',
  p384: 'P384',
  rsa1024: 'RSA1024',
  rsa2048: 'RSA2048',
  rsa3072: 'RSA3072',
};

/** The name of an algorithm id (for the key-generation table). */
export function keyAlgorithmName(id: number): KeyAlgorithmName | undefined {
  return (Object.keys(KeyAlgorithm) as KeyAlgorithmName[]).find((k) => KeyAlgorithm[k] === (id as KeyAlgorithmId));
}

/**
 * Reads a latency setting: `off` (or empty), `yubikey5`, or `yubikey5` / nothing followed by
 * overrides, e.g. `yubikey5,apdu=2,rsa2048=8000` or `apdu=3,p256=200`. Unknown keys and bad
 * numbers are an error naming them.
 */
export function parseCardLatency(spec: string | undefined): CardLatency | undefined {
  const s = (spec ?? '').trim().toLowerCase();
  if (s === '' || s === 'off' || s === '0' || s === 'false') return undefined;
  const parts = s.split(',').map((p) => p.trim());
  let base: CardLatency = { apduMs: 0, keyGenerationMs: {} };
  if (parts[0] === 'yubikey5' || parts[0] === 'on') {
    base = { apduMs: YUBIKEY5_LATENCY.apduMs, keyGenerationMs: { ...YUBIKEY5_LATENCY.keyGenerationMs } };
    parts.shift();
  }
  for (const p of parts) {
    const m = /^([a-z0-9]+)=(\d+(?:\.\d+)?)$/.exec(p);
    if (!m) throw new Error(`card latency: "${p}" is not name=ms (e.g. apdu=4, p256=250, rsa2048=6000)`);
    const ms = Number(m[2]);
    if (m[1] === 'apdu') base.apduMs = ms;
    else if (NAMES[m[1]!]) base.keyGenerationMs[NAMES[m[1]!]!] = ms;
    else throw new Error(`card latency: unknown "${m[1]}" (apdu, ${Object.keys(NAMES).join(', ')})`);
  }
  return base;
}

/** What a card with this latency waits before answering a command (the key generation only when it succeeded). */
export function latencyOf(l: CardLatency, cmd: { ins: number; generatedAlgorithm?: number }): number {
  let ms = l.apduMs;
  if (cmd.generatedAlgorithm !== undefined) {
    const name = keyAlgorithmName(cmd.generatedAlgorithm);
    if (name) ms += l.keyGenerationMs[name] ?? 0;
  }
  return ms;
}
