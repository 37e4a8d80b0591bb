import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  openSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type ComposeFile, type ComposeService, readComposeFile, startOrder } from './compose-file';
import { freePort } from '@scm/common';

/**
 * Runs the services of a docker-compose.yml as local processes, for a machine without a container
 * engine: each service's own command with its own environment, secrets and volumes, started in
 * dependency order and honouring each depends_on condition (healthchecks run as written).
 *
 * What a container would give, mapped onto this host:
 *  - host names: every service that listens (its healthcheck names 127.0.0.1:PORT) gets a free
 *    loopback port; "service:PORT" in environment values, commands and mounted files, and the
 *    service's own "127.0.0.1:PORT"/"0.0.0.0:PORT", become 127.0.0.1:<that port>;
 *  - /run/secrets/NAME: the secret's file; volumes: a directory per named volume under the work
 *    directory, bind-mounted files copied with the same mapping applied; /tmp: one per service;
 *  - the image of a built service is this checkout (WORKDIR /app); an image service runs its
 *    command from the host's installation of the same program;
 *  - the official postgres image, which has no command here, is reproduced as its entrypoint sets
 *    itself up on an empty volume: initdb with POSTGRES_USER and the password of
 *    POSTGRES_PASSWORD_FILE, scram-sha-256 for every host connection (the clients here all come
 *    over loopback, standing in for the other containers), listening on its port.
 */
export interface LocalComposeOptions {
  /** docker-compose.yml */
  file: string;
  /** The checkout the image is built from (its build in dist/). */
  root: string;
  /** Empty directory for volumes, secrets' copies, logs and per-service /tmp. */
  workDir: string;
  /** Variables for `${VAR}` interpolation (what the shell gives `docker compose`). */
  interpolation?: Record<string, string | undefined>;
  /** Files for the top-level secrets (name → path); default: the compose file's `file:` entries. */
  secretFiles?: Record<string, string>;
  /** Extra environment for every process (e.g. SCM_LOG_LEVEL); never overrides the service's own. */
  extraEnv?: Record<string, string>;
  /** Directory of PostgreSQL's server programs (initdb, postgres). */
  pgBin?: string;
  log?: (line: string) => void;
}

export interface RunningService {
  name: string;
  process: ChildProcess;
  log(): string;
  exited: Promise<number | null>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class LocalCompose {
  readonly compose: ComposeFile;
  /** Loopback port of each service that listens. */
  readonly ports = new Map<string, number>();
  /** The port each service listens on in its container (from its healthcheck). */
  readonly containerPorts = new Map<string, number>();
  readonly running = new Map<string, RunningService>();
  private readonly done = new Map<string, number | null>();
  private readonly rewritten = new Set<string>();
  private readonly say: (l: string) => void;

  private constructor(private readonly o: LocalComposeOptions) {
    this.compose = readComposeFile(o.file, o.interpolation ?? {});
    this.say = o.log ?? (() => undefined);
    for (const s of Object.values(this.compose.services)) {
      // The port a service listens on: named by its healthcheck, else its image's default port.
      const m = /127\.0\.0\.1:(\d+)/.exec((s.healthcheck ?? []).join(' '));
      const byImage = Object.entries(IMAGE_PORTS).find(([img]) => s.image?.startsWith(`${img}:`));
      const port = m ? Number(m[1]) : s.environment.SCM_HTTP_PORT ? Number(s.environment.SCM_HTTP_PORT) : byImage?.[1];
      if (port) this.containerPorts.set(s.name, port);
    }
  }

  static async prepare(o: LocalComposeOptions): Promise<LocalCompose> {
    const c = new LocalCompose(o);
    for (const name of c.containerPorts.keys()) c.ports.set(name, await freePort());
    mkdirSync(o.workDir, { recursive: true });
    return c;
  }

  /** Local URL of a service's port as the host would publish it (loopback). */
  url(service: string, scheme = 'http'): string {
    const p = this.ports.get(service);
    if (!p) throw new Error(`service ${service} listens on no port`);
    return `${scheme}://127.0.0.1:${p}`;
  }

  secretPath(name: string): string {
    const given = this.o.secretFiles?.[name];
    if (given) return given;
    const s = this.compose.secrets[name];
    if (!s) throw new Error(`secret ${name} is not declared at the top level of the compose file`);
    return resolve(dirname(this.o.file), s.file);
  }

  volumeDir(volume: string): string {
    const d = join(this.o.workDir, 'volumes', volume);
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** Container path → local path, and container addresses → loopback ports, for one service (one pass). */
  private mapping(s: ComposeService): Mapping {
    const pairs: Array<[string, string]> = [];
    for (const name of s.secrets) pairs.push([escape(`/run/secrets/${name}`), this.secretPath(name)]);
    for (const v of s.volumes) pairs.push([escape(v.target), this.mountSource(s, v)]);
    const tmp = join(this.o.workDir, 'svc', s.name, 'tmp');
    mkdirSync(tmp, { recursive: true });
    pairs.push(['/tmp', tmp]);
    if (s.build !== undefined) pairs.push(['/app', this.o.root]);
    // Longest container path first, and only whole path components.
    pairs.sort((a, b) => b[0].length - a[0].length);
    const rules: Array<[string, string]> = pairs.map(([from, to]) => [`(?<![\\w/.-])${from}(?![\\w.-])`, to]);
    for (const [svc, port] of this.ports) rules.push([`\\b${escape(svc)}:${this.containerPorts.get(svc)}\\b`, `127.0.0.1:${port}`]);
    const own = this.containerPorts.get(s.name);
    if (own !== undefined) rules.push([`\\b(?:127\\.0\\.0\\.1|localhost|0\\.0\\.0\\.0):${own}\\b`, `127.0.0.1:${this.ports.get(s.name)}`]);
    return { re: new RegExp(rules.map(([r]) => `(${r})`).join('|'), 'g'), to: rules.map(([, t]) => t) };
  }

  private mountSource(s: ComposeService, v: { source: string; target: string }): string {
    if (!v.source.startsWith('.') && !isAbsolute(v.source)) return this.volumeDir(v.source);
    const src = resolve(dirname(this.o.file), v.source);
    if (statSync(src).isDirectory()) return src;
    // A bind-mounted file is read with this service's view of paths and addresses.
    const copy = join(this.o.workDir, 'svc', s.name, 'mounts', v.target);
    if (!existsSync(copy)) {
      mkdirSync(dirname(copy), { recursive: true });
      copyFileSync(src, copy);
    }
    return copy;
  }

  private rewrite(s: ComposeService, text: string, map = this.mapping(s)): string {
    return text.replace(
      map.re,
      (...m: unknown[]) => map.to[(m.slice(1, 1 + map.to.length) as Array<string | undefined>).findIndex((g) => g !== undefined)],
    );
  }

  private rewriteMountedFiles(s: ComposeService): void {
    if (this.rewritten.has(s.name)) return;
    this.rewritten.add(s.name);
    const map = this.mapping(s);
    for (const v of s.volumes) {
      if (!v.source.startsWith('.') && !isAbsolute(v.source)) continue;
      const copy = join(this.o.workDir, 'svc', s.name, 'mounts', v.target);
      if (existsSync(copy)) writeFileSync(copy, this.rewrite(s, readFileSync(copy, 'utf8'), map));
    }
  }

  /** The environment of a service's process on this host. */
  env(service: string, extra: Record<string, string> = {}): Record<string, string> {
    const s = this.service(service);
    const map = this.mapping(s);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(this.o.workDir, 'svc', s.name, 'tmp') };
    for (const [k, v] of Object.entries({ ...this.o.extraEnv, ...s.environment, ...extra })) {
      let val = this.rewrite(s, v, map);
      // A port variable naming the container port, and a wildcard listen address, are the local ones.
      const own = this.containerPorts.get(s.name);
      if (own !== undefined && /_PORT$/.test(k) && val === String(own)) val = String(this.ports.get(s.name));
      if (val === '0.0.0.0') val = '127.0.0.1';
      env[k] = val;
    }
    return env;
  }

  service(name: string): ComposeService {
    const s = this.compose.services[name];
    if (!s) throw new Error(`no service "${name}" in ${this.o.file}`);
    return s;
  }

  /**
   * `docker compose up --wait` for these services (default: all without a profile): each started
   * in dependency order once its depends_on conditions hold; then every one with a healthcheck
   * healthy and every one-shot finished.
   */
  async up(names?: string[], opts: { wait?: boolean } = {}): Promise<void> {
    const wanted =
      names ??
      Object.values(this.compose.services)
        .filter((s) => s.profiles.length === 0)
        .map((s) => s.name);
    const order = startOrder(this.compose, wanted);
    for (const n of order) {
      if (this.running.has(n) || this.done.has(n)) continue;
      const s = this.service(n);
      for (const [dep, cond] of Object.entries(s.dependsOn)) await this.waitFor(dep, cond, n);
      await this.start(n);
    }
    if (opts.wait === false) return;
    for (const n of order) {
      const s = this.service(n);
      await this.waitFor(
        n,
        s.healthcheck ? 'service_healthy' : s.dependsOn && !this.isLongRunning(s) ? 'service_completed_successfully' : 'service_started',
        '--wait',
      );
    }
  }

  /** A service that restarts unless stopped is meant to keep running; `restart: 'no'` ones are one-shots. */
  private isLongRunning(s: ComposeService): boolean {
    return s.restart !== 'no';
  }

  /** `docker compose run --rm SERVICE ARGS…`: its dependencies up, then the command; resolves with its exit code and output. */
  async run(
    name: string,
    args?: string[],
    opts: { env?: Record<string, string>; input?: string } = {},
  ): Promise<{ code: number | null; out: string }> {
    const s = this.service(name);
    await this.up(Object.keys(s.dependsOn), { wait: false });
    for (const [dep, cond] of Object.entries(s.dependsOn)) await this.waitFor(dep, cond, name);
    const r = this.spawnService(s, args, opts.env, `${name}-run-${Date.now()}`);
    r.process.stdin?.end(opts.input ?? '');
    const code = await r.exited;
    return { code, out: r.log() };
  }

  private async waitFor(dep: string, cond: string, by: string): Promise<void> {
    const s = this.service(dep);
    if (cond === 'service_completed_successfully') {
      const r = this.running.get(dep);
      const code = this.done.has(dep) ? this.done.get(dep) : await r?.exited;
      if (code !== 0) throw new Error(`${by} needs ${dep} to complete successfully; it exited ${code}:\n${tail(r?.log() ?? '')}`);
      return;
    }
    if (cond === 'service_healthy') {
      if (!s.healthcheck) throw new Error(`${by} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      const t0 = Date.now();
      for (;;) {
        const r = this.running.get(dep);
        if (!r || r.process.exitCode !== null) throw new Error(`${dep} is not running (${by} waits for it):\n${tail(r?.log() ?? '')}`);
        if (this.healthy(s)) return;
        if (Date.now() - t0 > 90_000) throw new Error(`${dep} did not become healthy in 90 s:\n${tail(r.log())}`);
        await sleep(200);
      }
    }
  }

  /** Runs a service's healthcheck once, as written, with this host's mapping. */
  healthy(s: ComposeService): boolean {
    const [kind, ...rest] = s.healthcheck!;
    const env = this.env(s.name);
    const cmd = kind === 'CMD-SHELL' ? ['sh', '-c', rest.join(' ')] : rest;
    const map = this.mapping(s);
    const argv = cmd.map((a) => this.rewrite(s, a, map));
    const r = spawnSync(argv[0], argv.slice(1), { env, stdio: 'ignore', timeout: 5000 });
    return r.status === 0;
  }

  private async start(name: string): Promise<void> {
    const s = this.service(name);
    this.say(`starting ${name}`);
    if (s.image?.startsWith('postgres:') && !s.command) {
      await this.startPostgres(s);
      return;
    }
    const extraArgs: string[] = [];
    // redis-server takes its listening address from arguments (the compose command passes "$@" on).
    if (s.image?.startsWith('redis:')) extraArgs.push('--port', String(this.ports.get(name)), '--bind', '127.0.0.1');
    const r = this.spawnService(s, undefined, {}, name, extraArgs);
    this.running.set(name, r);
    void r.exited.then((code) => this.done.set(name, code));
  }

  private spawnService(
    s: ComposeService,
    args?: string[],
    env: Record<string, string> = {},
    logName = s.name,
    extraArgs: string[] = [],
    /** args are already this host's (no entrypoint, no rewriting) */
    local = false,
  ): RunningService {
    this.rewriteMountedFiles(s);
    const map = this.mapping(s);
    const argv = local ? [...(args ?? [])] : [...(s.entrypoint ?? []), ...(args ?? s.command ?? [])].map((a) => this.rewrite(s, a, map));
    if (argv.length === 0) throw new Error(`service ${s.name} has no command to run here`);
    argv.push(...extraArgs);
    const cwd = s.build !== undefined ? this.o.root : this.imageWorkdir(s);
    const logFile = join(this.o.workDir, 'logs', `${logName}.log`);
    mkdirSync(dirname(logFile), { recursive: true });
    // Output goes to a file, not a pipe: programs that open /dev/stdout themselves (nginx's
    // access_log, as in its image) cannot open a socket pair.
    const fd = openSync(logFile, 'a');
    const child = spawn(argv[0], argv.slice(1), { cwd, env: this.env(s.name, env), stdio: ['pipe', fd, fd] });
    closeSync(fd);
    let failed = '';
    const exited = new Promise<number | null>((res) => {
      child.on('error', (e) => {
        failed = `\n${e.message}\n`;
        res(127);
      });
      child.on('exit', (code) => res(code));
    });
    const out = (): string => {
      try {
        return readFileSync(logFile, 'utf8') + failed;
      } catch {
        return failed;
      }
    };
    return { name: s.name, process: child, log: out, exited };
  }

  /** The working directory an image service starts in: its data volume (redis: /data). */
  private imageWorkdir(s: ComposeService): string {
    const data = s.volumes.find((v) => v.target === '/data');
    return data ? this.mountSource(s, data) : join(this.o.workDir, 'svc', s.name, 'tmp');
  }

  private async startPostgres(s: ComposeService): Promise<void> {
    const env = this.env(s.name);
    const pgBin = this.o.pgBin ?? '/usr/lib/postgresql/15/bin';
    const user = env.POSTGRES_USER || 'postgres';
    const dataVol = s.volumes.find((v) => v.target === '/var/lib/postgresql/data');
    const data = dataVol ? join(this.mountSource(s, dataVol), 'pgdata') : join(this.o.workDir, 'svc', s.name, 'data');
    const runDir = join(this.o.workDir, 'svc', s.name, 'run');
    mkdirSync(runDir, { recursive: true });
    // PostgreSQL refuses to run as root: as the image does, it runs as the postgres user.
    const asRoot = process.getuid?.() === 0;
    const pgUid = asRoot ? Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()) : undefined;
    const prefix = asRoot ? ['runuser', '-u', 'postgres', '--'] : [];
    const own = (p: string): void => {
      if (pgUid !== undefined) chownSync(p, pgUid, pgUid);
    };
    for (let d = this.o.workDir; ; d = join(d, '..')) {
      // the postgres user must reach its directories under the work directory
      if (asRoot) chmodSync(d, statSync(d).mode | 0o711);
      if (d === '/' || d === dirname(this.o.workDir)) break;
    }
    for (const d of [dirname(data), runDir]) {
      mkdirSync(d, { recursive: true });
      own(d);
      chmodSync(d, 0o755);
    }
    if (!existsSync(join(data, 'PG_VERSION'))) {
      const pwSource = env.POSTGRES_PASSWORD_FILE;
      if (!pwSource) throw new Error('postgres: POSTGRES_PASSWORD_FILE is not set (the image would refuse to start)');
      const pwfile = join(runDir, 'pwfile');
      writeFileSync(pwfile, `${readFileSync(pwSource, 'utf8').replace(/\r?\n$/, '')}\n`, { mode: 0o600 });
      own(pwfile);
      const r = spawnSync(
        prefix[0] ?? join(pgBin, 'initdb'),
        [
          ...prefix.slice(1),
          ...(asRoot ? [join(pgBin, 'initdb')] : []),
          '-D',
          data,
          `--username=${user}`,
          `--pwfile=${pwfile}`,
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
          '-E',
          'UTF8',
        ],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`postgres: initdb failed: ${r.stderr || r.stdout}`);
      // The image's last pg_hba line: every other host authenticates with scram-sha-256.
      writeFileSync(join(data, 'pg_hba.conf'), `${readFileSync(join(data, 'pg_hba.conf'), 'utf8')}\nhost all all all scram-sha-256\n`);
    }
    const argv = [
      ...prefix,
      join(pgBin, 'postgres'),
      '-D',
      data,
      '-p',
      String(this.ports.get(s.name)),
      '-k',
      runDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'password_encryption=scram-sha-256',
    ];
    const r = this.spawnService(s, argv, {}, s.name, [], true);
    this.running.set(s.name, r);
    void r.exited.then((code) => this.done.set(s.name, code));
  }

  /** `docker compose down`: every process stopped (SIGTERM, then SIGKILL after 5 s). */
  async down(): Promise<void> {
    const all = [...this.running.values()].filter((r) => r.process.exitCode === null && r.process.signalCode === null);
    for (const r of all.reverse()) r.process.kill('SIGTERM');
    await Promise.race([Promise.all(all.map((r) => r.exited)), sleep(5000)]);
    for (const r of all) if (r.process.exitCode === null && r.process.signalCode === null) r.process.kill('SIGKILL');
    await Promise.all(all.map((r) => r.exited));
  }
}

const IMAGE_PORTS: Record<string, number> = { postgres: 5432, redis: 6379 };

interface Mapping {
  re: RegExp;
  to: string[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const tail = (s: string): string => s.trim().split('\n').slice(-15).join('\n');

/**
 * The secrets docs/deploy.md (step 1) has an operator make, written to `dir`: random passwords and
 * PINs, and a self-signed TLS certificate for `host` (a trial; production uses the organisation's).
 */
export function makeSecrets(dir: string, host = 'localhost'): Record<string, string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const out: Record<string, string> = {};
  for (const name of ['pg_admin_password', 'db_owner_password', 'db_app_password', 'redis_password', 'hsm_pin', 'hsm_so_pin']) {
    const r = spawnSync('openssl', ['rand', '-hex', '24'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl rand: ${r.stderr}`);
    writeFileSync((out[name] = join(dir, name)), r.stdout.trim(), { mode: 0o644 });
  }
  out.tls_cert = join(dir, 'tls_cert.pem');
  out.tls_key = join(dir, 'tls_key.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '30',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host},DNS:localhost,IP:127.0.0.1`,
      '-keyout',
      out.tls_key,
      '-out',
      out.tls_cert,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl req: ${r.stderr}`);
  return out;
}
