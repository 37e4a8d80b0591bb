/**
 * Keys a JSON request body may not use. class-transformer (behind the ValidationPipe) reads a
 * nested object's `constructor` as its class and fails with a TypeError, which was a 500 for
 * `{"any": {"constructor": 1}}` on every route with a DTO; `__proto__` and `prototype` are refused
 * with it, as no DTO has such a field and they only ever serve prototype tricks.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse reviver of the body parser: a forbidden key makes the body a 400 (entity.parse.failed). */
export function refuseProtoKeys(this: unknown, key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`the JSON key "${key}" is not accepted`);
  return value;
}
