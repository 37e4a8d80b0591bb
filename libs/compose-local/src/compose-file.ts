import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type Condition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

/** One service of a compose file, after YAML merge keys and `${VAR}` interpolation. */
export interface ComposeService {
  name: string;
  image?: string;
  build?: unknown;
  entrypoint?: string[];
  command?: string[];
  environment: Record<string, string>;
  secrets: string[];
  volumes: Array<{ source: string; target: string; readOnly: boolean }>;
  dependsOn: Record<string, Condition>;
  healthcheck?: string[];
  ports: string[];
  profiles: string[];
  networks: string[];
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  volumes: string[];
  networks: Record<string, { internal?: boolean }>;
}

/**
 * Compose interpolation (the subset compose files use): `$$` is a literal `$`; `${VAR}`, `$VAR`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}` and `${VAR?error}` from `env`.
 */
export function interpolate(s: string, env: Record<string, string | undefined>): string {
  return s.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, name, colon, op, arg, bare) => {
      if (m === '$$') return '$';
      if (bare) return env[bare] ?? '';
      const v = env[name as string];
      const unset = v === undefined || (colon === ':' && v === '');
      if (op === '-') return unset ? (arg as string) : (v as string);
      if (op === '?') {
        if (unset) throw new Error(`${name as string} must be set: ${(arg as string) || 'required by the compose file'}`);
        return v as string;
      }
      return v ?? '';
    },
  );
}

function deep(v: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof v === 'string') return interpolate(v, env);
  if (Array.isArray(v)) return v.map((x) => deep(x, env));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x, env)]));
  return v;
}

const argv = (v: unknown, what: string): string[] | undefined => {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  // The shell form would need a shell inside the container; this file uses the exec form only.
  throw new Error(`${what} must be a list of strings (exec form)`);
};

/** Reads a compose file as `docker compose config` would see it (the parts SCM's file uses). */
export function readComposeFile(path: string, env: Record<string, string | undefined> = process.env): ComposeFile {
  const raw = deep(parse(readFileSync(path, 'utf8'), { merge: true }), env) as Record<string, unknown>;
  const services: Record<string, ComposeService> = {};
  for (const [name, s] of Object.entries((raw.services ?? {}) as Record<string, Record<string, unknown>>)) {
    const envRaw = s.environment ?? {};
    const environment: Record<string, string> = Array.isArray(envRaw)
      ? Object.fromEntries((envRaw as string[]).map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]))
      : Object.fromEntries(Object.entries(envRaw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    const dep = s.depends_on ?? {};
    const dependsOn: Record<string, Condition> = Array.isArray(dep)
      ? Object.fromEntries((dep as string[]).map((d) => [d, 'service_started' as Condition]))
      : Object.fromEntries(
          Object.entries(dep as Record<string, { condition?: Condition }>).map(([d, c]) => [d, c?.condition ?? 'service_started']),
        );
    const hc = s.healthcheck as { test?: string[] | string; disable?: boolean } | undefined;
    services[name] = {
      name,
      image: s.image as string | undefined,
      build: s.build,
      entrypoint: argv(s.entrypoint, `${name}.entrypoint`),
      command: argv(s.command, `${name}.command`),
      environment,
      secrets: ((s.secrets ?? []) as Array<string | { source: string }>).map((x) => (typeof x === 'string' ? x : x.source)),
      volumes: ((s.volumes ?? []) as string[]).map((v) => {
        const [source, target, mode] = v.split(':');
        return { source, target, readOnly: mode === 'ro' };
      }),
      dependsOn,
      healthcheck: hc && !hc.disable && hc.test ? (typeof hc.test === 'string' ? ['CMD-SHELL', hc.test] : hc.test) : undefined,
      ports: ((s.ports ?? []) as unknown[]).map(String),
      profiles: (s.profiles ?? []) as string[],
      restart: s.restart as string | undefined,
      networks: Array.isArray(s.networks) ? (s.networks as string[]) : Object.keys((s.networks ?? {}) as object),
    };
  }
  return {
    services,
    secrets: (raw.secrets ?? {}) as Record<string, { file: string }>,
    volumes: Object.keys((raw.volumes ?? {}) as object),
    networks: (raw.networks ?? {}) as Record<string, { internal?: boolean }>,
  };
}

/** Services in an order that starts each after what it depends on (a cycle is an error). */
export function startOrder(file: ComposeFile, names: string[]): string[] {
  const out: string[] = [];
  const seen = new Map<string, 'doing' | 'done'>();
  const visit = (n: string, from: string): void => {
    const s = file.services[n];
    if (!s) throw new Error(`${from} depends on "${n}", which is not a service`);
    if (seen.get(n) === 'done') return;
    if (seen.get(n) === 'doing') throw new Error(`depends_on cycle through ${n}`);
    seen.set(n, 'doing');
    for (const d of Object.keys(s.dependsOn)) visit(d, n);
    seen.set(n, 'done');
    out.push(n);
  };
  for (const n of names) visit(n, 'the command line');
  return out;
}
