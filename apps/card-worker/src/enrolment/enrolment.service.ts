import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { workerFiles } from '@scm/config';
import type { Logger } from 'pino';
import { WORKER_CONFIG, WORKER_LOGGER, type WorkerConfig } from '../worker-config';
import { WorkerIdentity } from './worker-identity';

export type EnrolmentState = 'unregistered' | 'pending' | 'approved' | 'revoked';

export interface WorkerSession {
  workerId: string;
  token: string;
  expiresAt: Date;
}

/**
 * While an officer has not approved the worker yet, it asks again soon: after 250 ms, 500 ms, then
 * every second for the first minutes (the officer is usually approving it right now, from the
 * fingerprint it printed), then every few seconds.
 */
const PENDING_FIRST_MS = 250;
const PENDING_FAST_MS = 1000;
const PENDING_SLOW_MS = 5000;
const PENDING_FAST_FOR_MS = 10 * 60_000;

/** When a worker waiting for approval asks again, after its n-th refusal (n ≥ 1), pending for `pendingForMs`. */
export function pendingRetryDelay(n: number, pendingForMs: number): number {
  if (pendingForMs >= PENDING_FAST_FOR_MS) return PENDING_SLOW_MS;
  return Math.min(PENDING_FAST_MS, PENDING_FIRST_MS * 2 ** Math.max(0, n - 1));
}

class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The worker as an enrolled machine: registers its keys once with the one-time token, then logs in
 * by signing a challenge. Until an officer approves its fingerprint it gets no session — so no jobs
 * and no key material.
 */
@Injectable()
export class EnrolmentService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly identity: WorkerIdentity;
  private readonly files: ReturnType<typeof workerFiles>;
  state: EnrolmentState = 'unregistered';
  workerId: string | undefined;
  private session: WorkerSession | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly waiters: Array<(s: WorkerSession) => void> = [];
  private lastLogged = '';
  private pendingSince: number | undefined;
  private pendingAsks = 0;
  private pinned: KeyObject | undefined;

  /** The API's key-package public key pinned at enrolment; key packages that do not verify with it are refused. */
  apiPackageKey(): KeyObject {
    if (this.pinned) return this.pinned;
    if (!existsSync(this.files.apiKey))
      throw new Error(
        `no API package key pinned at ${this.files.apiKey}: this worker was enrolled before key packages were signed; enrol it again (bin/scm worker enroll-token)`,
      );
    this.pinned = createPublicKey(readFileSync(this.files.apiKey, 'utf8'));
    return this.pinned;
  }

  constructor(
    @Inject(WORKER_CONFIG) private readonly cfg: WorkerConfig,
    @Inject(WORKER_LOGGER) private readonly log: Logger,
  ) {
    this.files = workerFiles(cfg.SCM_STATE_DIR, cfg.SCM_WORKSTATION);
    this.identity = WorkerIdentity.loadOrCreate(this.files.key);
    this.workerId = existsSync(this.files.id) ? readFileSync(this.files.id, 'utf8').trim() : undefined;
  }

  onApplicationBootstrap(): void {
    this.log.info({ fingerprint: this.identity.fingerprint }, 'worker identity');
    void this.loop();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private say(key: string, level: 'info' | 'warn' | 'error', obj: Record<string, unknown>, msg: string): void {
    if (this.lastLogged === key) return;
    this.lastLogged = key;
    this.log[level](obj, msg);
  }

  private async call<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.cfg.SCM_API_URL}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    });
    const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new ApiProblem(res.status, String(data.code ?? `http.${res.status}`), String(data.detail ?? res.statusText));
    return data as T;
  }

  private enrollmentToken(): string | undefined {
    if (this.cfg.SCM_ENROLLMENT_TOKEN) return this.cfg.SCM_ENROLLMENT_TOKEN;
    return existsSync(this.files.enrollmentToken) ? readFileSync(this.files.enrollmentToken, 'utf8').trim() : undefined;
  }

  private async register(): Promise<boolean> {
    const token = this.enrollmentToken();
    if (!token) {
      this.say(
        'no-token',
        'error',
        { file: this.files.enrollmentToken },
        `not enrolled and no enrolment token: ask an officer for one (bin/scm worker enroll-token --workstation ${this.cfg.SCM_WORKSTATION}) and put it into the file or SCM_ENROLLMENT_TOKEN`,
      );
      return false;
    }
    const r = await this.call<{ id: string; fingerprint: string; packageKey?: string }>('/api/v1/workers/register', {
      enrollmentToken: token,
      name: this.cfg.SCM_WORKER_NAME || `${hostname()} ws${this.cfg.SCM_WORKSTATION}`,
      host: hostname(),
      workstation: this.cfg.SCM_WORKSTATION,
      signPublicKey: this.identity.signSpki().toString('base64'),
      kexPublicKey: this.identity.kexSpki().toString('base64'),
    });
    writeFileSync(this.files.id, r.id, { mode: 0o600 });
    // The API's key-package key, pinned now: every key package must carry its signature.
    if (r.packageKey) {
      const pem = createPublicKey({ key: Buffer.from(r.packageKey, 'base64'), format: 'der', type: 'spki' })
        .export({ format: 'pem', type: 'spki' })
        .toString();
      writeFileSync(this.files.apiKey, pem, { mode: 0o600 });
      this.pinned = undefined;
    }
    rmSync(this.files.enrollmentToken, { force: true });
    this.workerId = r.id;
    this.log.info({ workerId: r.id, fingerprint: r.fingerprint }, 'registered');
    return true;
  }

  /** Registers if needed and logs in; resolves with a session once approved. */
  private async logIn(): Promise<WorkerSession | undefined> {
    if (!this.workerId && !(await this.register())) return undefined;
    const id = this.workerId!;
    const { nonce } = await this.call<{ nonce: string }>('/api/v1/workers/challenge', { workerId: id });
    try {
      const r = await this.call<{ token: string; expiresAt: string }>('/api/v1/workers/session', {
        workerId: id,
        nonce,
        signature: this.identity.signChallenge(id, nonce),
      });
      this.state = 'approved';
      return { workerId: id, token: r.token, expiresAt: new Date(r.expiresAt) };
    } catch (e) {
      if (e instanceof ApiProblem && e.code === 'worker.not-approved') {
        this.state = 'pending';
        this.pendingSince ??= Date.now();
        this.pendingAsks++;
        this.say(
          'pending',
          'warn',
          { workerId: id, fingerprint: this.identity.fingerprint },
          `waiting for an officer to approve this worker: bin/scm worker approve ${this.identity.fingerprint}`,
        );
        return undefined;
      }
      if (e instanceof ApiProblem && e.code === 'worker.revoked') {
        this.state = 'revoked';
        this.say('revoked', 'error', { workerId: id }, 'this worker has been revoked; enrol it again with a new token');
        return undefined;
      }
      throw e;
    }
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    let delay = 5000;
    try {
      if (!this.session || this.session.expiresAt.getTime() - Date.now() < 5 * 60_000) {
        const s = await this.logIn();
        if (s) {
          this.session = s;
          this.pendingSince = undefined;
          this.pendingAsks = 0;
          this.say('approved', 'info', { workerId: s.workerId }, 'approved: session open');
          for (const w of this.waiters.splice(0)) w(s);
        }
      }
      delay = this.session || this.state === 'revoked' ? 60_000 : this.state === 'pending' ? this.pendingDelay() : 5000;
    } catch (e) {
      this.say(
        `err:${(e as Error).message}`,
        'warn',
        { err: (e as Error).message, api: this.cfg.SCM_API_URL },
        'cannot reach the API to log in; retrying',
      );
    }
    this.timer = setTimeout(() => void this.loop(), delay);
  }

  private pendingDelay(): number {
    return pendingRetryDelay(this.pendingAsks, Date.now() - (this.pendingSince ?? Date.now()));
  }

  /** The current session, if approved. */
  current(): WorkerSession | undefined {
    return this.session && this.session.expiresAt > new Date() ? this.session : undefined;
  }

  /** Drops a session the API refused, so the next loop logs in again. */
  invalidate(): void {
    this.session = undefined;
    this.state = this.state === 'approved' ? 'pending' : this.state;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), 1000);
  }

  /** Resolves once the worker holds an approved session. */
  whenApproved(): Promise<WorkerSession> {
    const s = this.current();
    return s ? Promise.resolve(s) : new Promise((r) => this.waiters.push(r));
  }
}
