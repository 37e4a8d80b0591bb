import { readFileSync } from 'node:fs';

/**
 * Typed environment variables. Every process validates its whole configuration at start-up and
 * stops with one message that names each bad or missing variable.
 */
export interface VarSpec<T> {
  /** One line for `--help` and docs. */
  readonly description: string;
  /** Raw default, parsed like a value from the environment. Absent means required. */
  readonly default?: string;
  /** Values never echoed back in errors or dumps. */
  readonly secret?: boolean;
  /**
   * For a URL: the variable naming a file whose content is the URL's password (a Docker or systemd
   * secret), so the password never sits in the environment or a compose file.
   */
  readonly passwordFileVar?: string;
  parse(raw: string): T;
}

export type Schema = Record<string, VarSpec<unknown>>;
export type ConfigOf<S extends Schema> = { readonly [K in keyof S]: ReturnType<S[K]['parse']> };

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates every variable of the schema; collects all problems before throwing. */
export function loadConfig<S extends Schema>(schema: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    const given = env[name];
    const raw = given !== undefined && given !== '' ? given : spec.default;
    if (raw === undefined) {
      problems.push(`${name} is required: ${spec.description}`);
      continue;
    }
    try {
      out[name] = spec.parse(raw);
    } catch (e) {
      const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown} ${(e as Error).message}`);
      continue;
    }
    const file = spec.passwordFileVar ? env[spec.passwordFileVar] : undefined;
    if (file) {
      try {
        out[name] = withPassword(out[name] as string, readSecretFile(file));
      } catch (e) {
        problems.push(`${spec.passwordFileVar}=${JSON.stringify(file)} ${(e as Error).message}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** The content of a secret file without its final line break; an empty or unreadable file is an error. */
export function readSecretFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const v = text.replace(/\r?\n$/, '');
  if (!v) throw new Error('is empty');
  if (/[\r\n]/.test(v)) throw new Error('holds more than one line');
  return v;
}

/** The URL with its password replaced (user names kept; percent-encoded as URLs need). */
export function withPassword(raw: string, password: string): string {
  const u = new URL(raw);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Lines for help output: NAME (default) description. */
export function describeSchema(schema: Schema): string[] {
  return Object.entries(schema).map(
    ([name, s]) => `${name}${s.default !== undefined ? ` [${s.secret ? 'hidden' : s.default}]` : ' (required)'}  ${s.description}`,
  );
}

export const str = (description: string, def?: string, opts: { secret?: boolean; pattern?: RegExp } = {}): VarSpec<string> => ({
  description,
  default: def,
  secret: opts.secret,
  parse(raw) {
    if (opts.pattern && !opts.pattern.test(raw)) throw new Error(`must match ${opts.pattern}`);
    return raw;
  },
});

export const int = (description: string, def: string | undefined, min: number, max: number): VarSpec<number> => ({
  description,
  default: def,
  parse(raw) {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be an integer between ${min} and ${max}`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`must be an integer between ${min} and ${max}`);
    return n;
  },
});

export const bool = (description: string, def?: string): VarSpec<boolean> => ({
  description,
  default: def,
  parse(raw) {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new Error('must be true or false');
  },
});

export const oneOf = <T extends string>(description: string, def: T | undefined, values: readonly T[]): VarSpec<T> => ({
  description,
  default: def,
  parse(raw) {
    if (!(values as readonly string[]).includes(raw)) throw new Error(`must be one of ${values.join(', ')}`);
    return raw as T;
  },
});

export const url = (
  description: string,
  def: string | undefined,
  protocols: readonly string[],
  opts: { secret?: boolean; passwordFileVar?: string } = {},
): VarSpec<string> => ({
  description,
  default: def,
  secret: opts.secret,
  passwordFileVar: opts.passwordFileVar,
  parse(raw) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new Error(`is not a URL (expected ${protocols.map((p) => `${p}//…`).join(' or ')})`);
    }
    if (!protocols.includes(u.protocol)) throw new Error(`must use ${protocols.join(' or ')}`);
    return raw;
  },
});

/** Hosts where plain http never leaves the machine. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why an API URL would carry passwords, sessions or key material in clear, or null: plain
 * `http://` is only for the loopback interface; anywhere else the API is reached over `https://`
 * (the TLS proxy of docs/security.md).
 */
export function cleartextApiUrlProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol !== 'http:') return 'must use https://';
  return LOOPBACK.test(u.hostname)
    ? null
    : 'would send passwords, sessions and key material in clear: use https:// (plain http:// is for 127.0.0.1 and localhost only)';
}

/** The issuer API's URL, as a client of it: https://, or http:// on loopback only. */
export const apiUrl = (description: string, def: string): VarSpec<string> => ({
  description,
  default: def,
  parse(raw) {
    const problem = cleartextApiUrlProblem(raw);
    if (problem) throw new Error(problem);
    return raw;
  },
});

export const absPath = (description: string, def?: string): VarSpec<string> => ({
  description,
  default: def,
  parse(raw) {
    if (!raw.startsWith('/')) throw new Error('must be an absolute path');
    return raw;
  },
});
