import { DocumentError, int, obj, str } from './document';

describe('document shape checks', () => {
  const check = obj({ name: str(), size: int(0) });

  it('reads an object of exactly its fields', () => {
    expect(check({ name: 'a', size: 1 }, 'doc')).toEqual({ name: 'a', size: 1 });
  });

  // Regression (fuzz/corpus/archive-documents): `k in shape` took inherited properties for fields,
  // so a signed sidecar could carry an extra "constructor" field its signature does not cover.
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])('refuses an extra field named %s', (key) => {
    const v = JSON.parse(`{"name":"a","size":1,${JSON.stringify(key)}:"x"}`) as Record<string, never>;
    expect(() => check(v, 'doc')).toThrow(DocumentError);
    expect(() => check(v, 'doc')).toThrow(`doc.${key}: unknown field`);
  });

  it('does not take an inherited property for a missing field', () => {
    const shaped = obj({ toString: str() });
    expect(() => shaped({}, 'doc')).toThrow('doc.toString: missing');
  });
});
