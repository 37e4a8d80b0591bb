import { MAX_JSON_DEPTH, reviveJsonBody } from './json-body';

const parse = (text: string): unknown => JSON.parse(text, reviveJsonBody);
const nested = (depth: number): string => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

describe('JSON body reviver', () => {
  it('leaves ordinary bodies as they are', () => {
    const body = { cardholders: [{ name: 'Alice', orgIds: ['hr', 'it'] }], n: 1, ok: true, none: null };
    expect(parse(JSON.stringify(body))).toEqual(body);
  });

  it.each(['constructor', '__proto__', 'prototype'])('refuses the key %s at any level (fuzz/corpus/stock-import)', (key) => {
    expect(() => parse(`{"${key}":1}`)).toThrow(SyntaxError);
    expect(() => parse(`{"cards":[{"serial":"1","x":{"${key}":[1]}}]}`)).toThrow(`the JSON key "${key}" is not accepted`);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more (fuzz/corpus/api-routes)`, () => {
    expect(() => parse(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parse(nested(MAX_JSON_DEPTH + 1))).toThrow(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(() => parse(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toThrow(SyntaxError);
    // Depth is the deepest branch, not the number of members.
    expect(() => parse(JSON.stringify({ list: Array.from({ length: 1000 }, () => ({ a: [1] })) }))).not.toThrow();
  });
});
