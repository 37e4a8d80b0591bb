/**
 * The JSON body parser's reviver: it refuses two kinds of body with a 400 (entity.parse.failed)
 * before any DTO sees them, both found by fuzzing (fuzz/corpus/api-routes, fuzz/corpus/stock-import):
 * - keys `constructor`, `__proto__`, `prototype`: class-transformer (behind the ValidationPipe)
 *   reads a nested object's `constructor` as its class and fails with a TypeError (a 500 for
 *   `{"any": {"constructor": 1}}` on every route with a DTO); no DTO has such a field;
 * - nesting deeper than MAX_JSON_DEPTH: class-transformer and class-validator recurse per level,
 *   and a body nested a few thousand levels deep overflowed the stack (a 500).
 * (NUL characters, in bodies of any type and in URLs, are refused by nul-characters.ts.)
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting of objects and arrays a request body may have (the DTOs use a handful of levels). */
export const MAX_JSON_DEPTH = 32;

/** Depth of each object or array revived so far (entries go with their objects). */
const depths = new WeakMap<object, number>();

/**
 * The reviver. JSON.parse revives bottom-up: when an object or array reaches it, its members have
 * been revived, so its depth is one more than the deepest of theirs.
 */
export function reviveJsonBody(this: unknown, key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`the JSON key "${key}" is not accepted`);
  if (value !== null && typeof value === 'object') {
    let depth = 1;
    for (const member of Object.values(value)) {
      if (member !== null && typeof member === 'object') depth = Math.max(depth, (depths.get(member) ?? 1) + 1);
    }
    if (depth > MAX_JSON_DEPTH) throw new SyntaxError(`the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
    depths.set(value, depth);
  }
  return value;
}
