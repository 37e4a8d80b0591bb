/**
 * The one JSON form of archive documents (manifest, sidecar): keys sorted, two-space indentation,
 * chosen arrays written one compact element per line, a final newline, integers only. A document
 * is accepted only in exactly this form, so any changed byte — even in whitespace — is caught,
 * and a signature over the bytes means the same as a signature over the values.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export class DocumentError extends Error {
  constructor(
    message: string,
    /** Byte offset in the document, when known. */
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** A value as one line of canonical JSON (keys sorted, no spaces): the form of an entry of a compact array. */
export const compactJson = (v: JsonValue): string => {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return numberText(v);
  if (Array.isArray(v)) return `[${v.map(compactJson).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${compactJson(v[k])}`)
    .join(',')}}`;
};

function numberText(n: number): string {
  if (!Number.isSafeInteger(n)) throw new DocumentError(`only safe integers are allowed in archive documents (${n})`);
  return String(n);
}

function pretty(v: JsonValue, indent: string, compact: ReadonlySet<string>, key?: string): string {
  if (v === null || typeof v !== 'object') return compactJson(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x) => (key !== undefined && compact.has(key) ? compactJson(x) : pretty(x, inner, compact)));
    return `[\n${items.map((i) => `${inner}${i}`).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v).sort();
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${pretty(v[k], inner, compact, k)}`).join(',\n')}\n${indent}}`;
}

/** The canonical bytes of a document; arrays under the keys in `compact` get one element per line. */
export function encodeDocument(value: JsonValue, compact: ReadonlySet<string> = new Set()): Buffer {
  return Buffer.from(`${pretty(value, '', compact)}\n`, 'utf8');
}

/** Parses a document and insists it is in canonical form; the caller checks its shape. */
export function decodeDocument(bytes: Uint8Array, compact: ReadonlySet<string>, what: string): JsonValue {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DocumentError(`${what} is not UTF-8`);
  }
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new DocumentError(`${what} is not JSON: ${(e as Error).message}`);
  }
  let again: Buffer;
  try {
    again = encodeDocument(value, compact);
  } catch (e) {
    throw new DocumentError(`${what}: ${(e as Error).message}`);
  }
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!again.equals(b)) {
    let i = 0;
    while (i < again.length && i < b.length && again[i] === b[i]) i++;
    throw new DocumentError(`${what} is not in its canonical form (first difference at byte ${i})`, i);
  }
  return value;
}

// ---------------------------------------------------------------- shape checks

type Check<T> = (v: JsonValue | undefined, path: string) => T;

const fail = (path: string, what: string): never => {
  throw new DocumentError(`${path}: ${what}`);
};

export const str =
  (pattern?: RegExp, max = 4096): Check<string> =>
  (v, p) => {
    if (typeof v !== 'string') return fail(p, 'a string is expected');
    if (v.length > max) return fail(p, `longer than ${max} characters`);
    if (pattern && !pattern.test(v)) return fail(p, `"${v.slice(0, 80)}" is not in the expected form`);
    return v;
  };

export const int =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): Check<number> =>
  (v, p) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) return fail(p, `an integer in ${min}..${max} is expected`);
    return v;
  };

export const nullable =
  <T>(c: Check<T>): Check<T | null> =>
  (v, p) =>
    v === null ? null : c(v, p);

export const arrayOf =
  <T>(c: Check<T>, max = 10_000_000): Check<T[]> =>
  (v, p) => {
    if (!Array.isArray(v)) return fail(p, 'an array is expected');
    if (v.length > max) return fail(p, `more than ${max} elements`);
    return v.map((x, i) => c(x, `${p}[${i}]`));
  };

export const obj =
  <S extends Record<string, Check<unknown>>>(shape: S): Check<{ [K in keyof S]: ReturnType<S[K]> }> =>
  (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(p, 'an object is expected');
    // Own properties only: `k in shape` let "constructor", "toString", … through as known fields.
    for (const k of Object.keys(v)) if (!Object.hasOwn(shape, k)) fail(`${p}.${k}`, 'unknown field');
    const out = {} as Record<string, unknown>;
    for (const [k, c] of Object.entries(shape)) {
      if (!Object.hasOwn(v, k)) fail(`${p}.${k}`, 'missing');
      out[k] = c(v[k], `${p}.${k}`);
    }
    return out as { [K in keyof S]: ReturnType<S[K]> };
  };

export const HEX32 = /^[0-9a-f]{64}$/;
export const HEX = /^(?:[0-9a-f]{2})+$/;
export const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const KEY_LABEL = /^[A-Za-z0-9._-]{1,64}\/[1-9][0-9]{0,9}$/;

/** Decodes base64 that must be in canonical form (what Buffer would write back). */
export function strictBase64(s: string, path: string): Buffer {
  const b = Buffer.from(s, 'base64');
  if (!BASE64.test(s) || b.toString('base64') !== s) fail(path, 'not canonical base64');
  return b;
}
