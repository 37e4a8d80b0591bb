/** JSON with object keys sorted at every level and no whitespace: one value, one byte string. */
export function canonicalJson(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
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
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(x)}`;
    }
    return `${out}}`;
  }
  throw new TypeError(`cannot encode ${typeof v} in audit data`);
}
