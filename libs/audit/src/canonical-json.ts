/** JSON with object keys sorted at every level and no whitespace: one value, one byte string. */
/** A string JSON.stringify prints as is between quotes: no quote, backslash, control character or surrogate to escape. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
export const JSON_PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

export function canonicalJson(v: unknown): string {
  if (typeof v === 'string') return JSON_PLAIN_STRING.test(v) ? `"${v}"` : JSON.stringify(v);
  if (v === null || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError('non-finite number in audit data');
    return JSON.stringify(v);
  }
  if (v === undefined) return 'null';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + canonicalJson(v[i]);
    return `${out}]`;
  }
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    let out = '{';
    for (const k of keys) {
      const x = o[k];
      if (x === undefined) continue;
      out += `${out.length > 1 ? ',' : ''}${JSON_PLAIN_STRING.test(k) ? `"${k}"` : JSON.stringify(k)}:${canonicalJson(x)}`;
    }
    return `${out}}`;
  }
  throw new TypeError(`cannot encode ${typeof v} in audit data`);
}
