/**
 * The path a request names, as every path rule must see it: lower case, repeated slashes folded, no
 * trailing slash. The API's own routing is case-sensitive and strict (a variant reaches no route),
 * and whatever counts or filters requests by path (the rate limiter here, a proxy's location rules
 * in front) matches this form, so `/api/v1/Auth/Reauth/` counts as `/api/v1/auth/reauth`.
 */
export function canonicalPath(path: string): string {
  let p = path;
  try {
    p = decodeURIComponent(path);
  } catch {
    // a malformed escape is left as it is: no route matches it either
  }
  p = p.toLowerCase().replace(/\/{2,}/g, '/');
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}
