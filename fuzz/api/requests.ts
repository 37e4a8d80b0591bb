import fc from 'fast-check';

/** One HTTP request of the API fuzzer, as kept in the corpus (JSON). */
export interface ApiRequest {
  method: string;
  /** Path with its parameters filled in (already URL-encoded where meant to be). */
  path: string;
  /** Query string without '?', may be empty. */
  query: string;
  /** Raw body text (JSON, or deliberately not), absent for none. */
  body?: string;
  /** The body's content type: JSON (default) or a form (application/x-www-form-urlencoded). */
  form?: boolean;
  /** Whose token goes with it: a role, a worker, or nobody. */
  as: string;
}

export interface RouteSpec {
  method: string;
  /** Express-style path, e.g. /api/v1/cards/:id. */
  path: string;
  /** Roles the route admits (for choosing tokens that pass the guard most of the time). */
  roles: string[];
  /** JSON schema of the body from the OpenAPI document (refs unresolved), if the route takes one. */
  body?: Schema;
}

export interface Schema {
  type?: string;
  $ref?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

export type Components = Record<string, Schema>;

/** Lower-case hex text of min..max characters. */
const hex = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });

const UUIDS = ['00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff'];

/** Path parameter values: plausible ids and serials, and everything a router or a parser may choke on. */
const pathValue = fc.oneof(
  { weight: 3, arbitrary: fc.uuid().map(String) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(
        ...UUIDS,
        '0',
        '1',
        '-1',
        '9a',
        '9A',
        '82',
        'ff',
        '00001079',
        '1e400',
        '99999999999999999999999',
        'NaN',
        'null',
        'undefined',
        'true',
        '%00',
        '%2e%2e',
        '%2F',
        '%F0%9F%98%80',
        '%ZZ',
        '%',
        'a%20b',
        '__proto__',
        'constructor',
        'security-officer',
        'admin',
        'default',
        'scm-ca-root.crt',
        'issuing.crl',
        'x.pem',
        "'; DROP TABLE card; --",
      )
      .map(String),
  },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 20 }).map((s) => encodeURIComponent(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 9000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: hex(1, 80) },
);

const QUERY_KEYS = [
  'limit',
  'offset',
  'cursor',
  'after',
  'before',
  'since',
  'until',
  'from',
  'to',
  'state',
  'status',
  'q',
  'format',
  'page',
  'cardholder',
  'cardholderId',
  'action',
  'actor',
  'kind',
  'serial',
  'request',
  'batch',
  'volume',
  'target',
  'type',
  'seq',
  'role',
  'sort',
  'order',
];

const queryValue = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1',
    '10',
    '1000000',
    '1e309',
    'NaN',
    'x',
    'true',
    '2026-01-01',
    '2026-13-45T99:99:99Z',
    'csv',
    'json',
    'pdf',
    ...UUIDS,
  ),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.integer({ min: 100, max: 5000 }).map((n) => '9'.repeat(n)),
);

const query = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(...QUERY_KEYS),
        fc.constantFrom('__proto__', 'constructor', 'a[b]', 'a[]', 'x.y'),
        fc.string({ maxLength: 8 }).map(encodeURIComponent),
      ),
      queryValue,
    ),
    { maxLength: 5 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

function resolve(s: Schema, components: Components, depth = 0): Schema {
  if (s.$ref && depth < 10) return resolve(components[s.$ref.replace('#/components/schemas/', '')] ?? {}, components, depth + 1);
  if (s.allOf?.length) return resolve(s.allOf[0], components, depth + 1);
  return s;
}

const edgeString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    'é',
    '😀',
    '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
    'AAAA',
    '==',
    '00',
    'zz',
    ...UUIDS,
  ),
  fc.integer({ min: 300, max: 30000 }).map((n) => 'A'.repeat(n)),
  fc.uuid().map(String),
  hex(0, 96),
  fc.base64String({ maxLength: 200 }),
);

/** A value that fits `schema` most of the time, with edge values mixed in. */
export function fromSchema(schema: Schema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (depth > 4) return fc.constant(null);
  if (s.enum?.length) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...s.enum) }, { weight: 1, arbitrary: edgeString });
  const alt = s.oneOf ?? s.anyOf;
  if (alt?.length) return fc.oneof(...alt.map((x) => fromSchema(x, components, depth + 1)));
  switch (s.type) {
    case 'string':
      return edgeString;
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({ min: -5, max: 100 }),
        fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, 0.5, -0),
        fc.double({ noNaN: true }),
      );
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(s.items ?? {}, components, depth + 1), { maxLength: 4 });
    case 'object':
    default: {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) return fc.jsonValue({ maxDepth: 2 });
      const required = new Set(s.required ?? []);
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fromSchema(v, components, depth + 1)])), {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k) || k.length % 2 === 0),
      });
    }
  }
}

/** Bodies: schema-shaped values (some with a wrong field), random JSON, and text that is not JSON at all. */
function bodies(route: RouteSpec, components: Components): fc.Arbitrary<string | undefined> {
  const shaped = route.body ? fromSchema(route.body, components) : fc.constant({});
  const sabotaged = fc
    .tuple(shaped, fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('extra', 'nested', 'proto', 'swap'))
    .map(([v, k, x, how]) => {
      const o: Record<string, unknown> =
        v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : { value: v };
      const keys = Object.keys(o);
      if (how === 'extra') o[k] = x;
      else if (how === 'nested' && keys.length) o[keys[0]] = { inner: o[keys[0]], [k]: x };
      else if (how === 'proto') o[keys[0] ?? 'x'] = JSON.parse('{"constructor":{"prototype":1},"__proto__":{"polluted":1}}');
      else if (keys.length) o[keys[keys.length - 1]] = Array.isArray(x) ? x : [x];
      return o;
    });
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((v) => JSON.stringify(v)) },
    { weight: 3, arbitrary: sabotaged.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        'null',
        '[]',
        '"x"',
        '1',
        '{"a":1,"a":2}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        `{"x":${'['.repeat(33)}${']'.repeat(33)}}`,
        `{"x":${'{"y":'.repeat(1500)}1${'}'.repeat(1500)}}`,
        `{"x":${'['.repeat(2500)}${']'.repeat(2500)}}`,
        `{"x":${'{"y":'.repeat(3000)}1${'}'.repeat(3000)}}`,
        '\uFEFF{}',
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Requests for one route: its path with fuzzed parameters, a query string, a body and a token. */
export function requestsFor(route: RouteSpec, components: Components, tokens: readonly string[]): fc.Arbitrary<ApiRequest> {
  const params = route.path.split('/').filter((p) => p.startsWith(':'));
  const as = fc.oneof(
    { weight: 6, arbitrary: route.roles.length ? fc.constantFrom(...route.roles) : fc.constantFrom(...tokens) },
    { weight: 1, arbitrary: fc.constantFrom('none', ...tokens) },
  );
  return fc
    .tuple(
      fc.array(pathValue, { minLength: params.length, maxLength: params.length }),
      query,
      bodies(route, components),
      as,
      fc.nat({ max: 9 }).map((n) => n === 0),
    )
    .map(([values, q, body, who, form]) => {
      let i = 0;
      const path = route.path
        .split('/')
        .map((p) => (p.startsWith(':') ? values[i++] : p))
        .join('/');
      if (body === undefined || route.method === 'GET') return { method: route.method, path, query: q, as: who };
      // Now and then the same fields as a form: the API parses urlencoded bodies too.
      if (form) return { method: route.method, path, query: q, body: formOf(body), form: true, as: who };
      return { method: route.method, path, query: q, body, as: who };
    });
}

/** A JSON body's top-level fields as a urlencoded form (anything else: the text as one field). */
function formOf(json: string): string {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return new URLSearchParams({ body: json }).toString();
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return new URLSearchParams({ body: json }).toString();
  return new URLSearchParams(
    Object.entries(v as Record<string, unknown>).map(([k, x]): [string, string] => [
      k,
      typeof x === 'string' ? x : (JSON.stringify(x) ?? ''),
    ]),
  ).toString();
}
