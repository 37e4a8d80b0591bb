import fc from 'fast-check';

/**
 * Mutation-based inputs: a seed from the real encoders with a few edits stacked on it — bit flips,
 * interesting bytes, truncations, insertions, deletions, repeated chunks, splices from another
 * seed and edits of what may be a length field (BER forms, u16/u32 in both byte orders).
 */
type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'repeat'; at: number; count: number; times: number }
  | { kind: 'splice'; at: number; from: number; start: number; count: number }
  | { kind: 'length'; at: number; width: 1 | 2 | 4; value: number; little: boolean }
  | { kind: 'ber'; at: number; form: number[] };

const INTERESTING = [0x00, 0x01, 0x02, 0x1f, 0x20, 0x3f, 0x40, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xfe, 0xff];
const BIG = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const BER_FORMS = [
  [0x80],
  [0x81, 0xff],
  [0x82, 0xff, 0xff],
  [0x82, 0x00, 0x00],
  [0x83, 0xff, 0xff, 0xff],
  [0x84, 0xff, 0xff, 0xff, 0xff],
  [0x85],
  [0x8f],
  [0xff],
];

const pos = fc.nat({ max: 1 << 24 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: pos, bit: fc.nat({ max: 7 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      at: pos,
      value: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat({ max: 255 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: pos }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('insert' as const), at: pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: pos, count: fc.integer({ min: 1, max: 32 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      at: pos,
      count: fc.integer({ min: 1, max: 64 }),
      times: fc.integer({ min: 1, max: 64 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('splice' as const),
      at: pos,
      from: fc.nat(),
      start: pos,
      count: fc.integer({ min: 1, max: 256 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('length' as const),
      at: pos,
      width: fc.constantFrom(1 as const, 2 as const, 4 as const),
      value: fc.oneof(fc.constantFrom(...BIG), fc.nat()),
      little: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ber' as const), at: pos, form: fc.constantFrom(...BER_FORMS) }) },
);

function apply(seed: Uint8Array, edits: readonly Edit[], seeds: readonly Uint8Array[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed);
  const cat = (...parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  for (const e of edits) {
    const n = b.length;
    const at = n ? e.at % (e.kind === 'insert' || e.kind === 'splice' ? n + 1 : n) : 0;
    switch (e.kind) {
      case 'flip':
        if (n) b[at] ^= 1 << e.bit;
        break;
      case 'set':
        if (n) b[at] = e.value;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'insert':
        b = cat(b.subarray(0, at), e.bytes, b.subarray(at));
        break;
      case 'delete':
        b = cat(b.subarray(0, at), b.subarray(at + e.count));
        break;
      case 'repeat': {
        const chunk = b.subarray(at, at + e.count);
        b = cat(b.subarray(0, at), ...Array<Uint8Array>(e.times).fill(chunk), b.subarray(at));
        break;
      }
      case 'splice': {
        const other = seeds[e.from % seeds.length];
        const start = other.length ? e.start % other.length : 0;
        b = cat(b.subarray(0, at), other.subarray(start, start + e.count), b.subarray(at));
        break;
      }
      case 'length': {
        if (n < e.width) break;
        const p = Math.min(at, n - e.width);
        const v = e.value >>> 0;
        for (let i = 0; i < e.width; i++) {
          const shift = 8 * (e.little ? i : e.width - 1 - i);
          b[p + i] = Math.floor(v / 2 ** shift) & 0xff;
        }
        break;
      }
      case 'ber':
        b = cat(b.subarray(0, at), Uint8Array.from(e.form), b.subarray(at + 1));
        break;
    }
  }
  return b;
}

/** A seed with 1 to `maxEdits` edits stacked on it. */
export function mutated(seeds: readonly Uint8Array[], maxEdits = 6): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new Error('mutated: no seeds');
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: maxEdits }))
    .map(([i, edits]) => apply(seeds[i], edits, seeds));
}

/** The usual mix: mostly mutated seeds, the seeds themselves, and some random bytes. */
export function bytesFrom(seeds: readonly Uint8Array[], opts: { random?: number; maxEdits?: number } = {}): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 12, arbitrary: mutated(seeds, opts.maxEdits) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: opts.random ?? 512 }) },
  );
}

/**
 * Structure-aware JSON mutation: parse the seed, change one value somewhere (a wrong type, an
 * edge number, a long or odd string, a removed or added key) and write it back in the seed's
 * own form via `encode`.
 */
export function jsonMutated(seeds: readonly unknown[], encode: (v: unknown) => Uint8Array): fc.Arbitrary<Uint8Array> {
  const replacement = fc.oneof(
    fc.constantFrom<unknown>(null, true, false, 0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1.5, 1e308, '', ' ', '0', '__proto__', [], {}, [
      [[[]]],
    ]),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.jsonValue({ maxDepth: 3 }),
    fc.nat({ max: 5000 }).map((n) => 'a'.repeat(n)),
  );
  const action = fc.record({
    kind: fc.constantFrom('replace', 'delete', 'add', 'swap-type'),
    pick: fc.nat(),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')),
    value: replacement,
  });
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(action, { minLength: 1, maxLength: 3 })).map(([i, actions]) => {
    const v = JSON.parse(JSON.stringify(seeds[i])) as unknown;
    // Values are copied in: a shared constant inserted twice would make the tree a cycle.
    for (const a of actions) mutateOne(v, { ...a, value: JSON.parse(JSON.stringify(a.value) ?? 'null') as unknown });
    try {
      return encode(v);
    } catch {
      return new Uint8Array(Buffer.from(JSON.stringify(v) ?? 'null'));
    }
  });
}

function containers(v: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (v !== null && typeof v === 'object') {
    out.push(v as Record<string, unknown>);
    for (const x of Object.values(v)) containers(x, out);
  }
  return out;
}

function mutateOne(root: unknown, a: { kind: string; pick: number; key: string; value: unknown }): void {
  const all = containers(root);
  if (all.length === 0) return;
  const c = all[a.pick % all.length];
  const keys = Object.keys(c);
  const k = keys.length ? keys[a.pick % keys.length] : a.key;
  const rec = c as Record<string, unknown>;
  switch (a.kind) {
    case 'replace':
      rec[k] = a.value;
      break;
    case 'delete':
      if (Array.isArray(c)) c.splice(Number(k), 1);
      else delete rec[k];
      break;
    case 'add':
      if (Array.isArray(c)) c.push(a.value);
      else Object.defineProperty(rec, a.key, { value: a.value, enumerable: true, configurable: true, writable: true });
      break;
    case 'swap-type': {
      const x = rec[k];
      rec[k] =
        typeof x === 'string' ? Number(x) || [x] : typeof x === 'number' ? String(x) : Array.isArray(x) ? x[0] : x === null ? {} : null;
      break;
    }
  }
}
