import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BackendError, BackendErrorCode, type PinCheck, PivCard } from '@scm/card-engine';
import { workerAuthMessage } from '@scm/common';
import { workerFiles } from '@scm/config';
import { VpcdConnector, type VirtualCard } from '@scm/vpcd';
import { compareMac, type KeyRef, type MacCheck, VirtualSmartCard, VscCardBackend, type VscKeyProtector, type VscState } from '@scm/vsc';
import { CliError } from '../output';

/** A problem the API answered (code and status kept, so the host can tell "stop serving" from "try again"). */
export class HostApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The host logged in as its enrolled card worker: the Ed25519 key the worker registered (its key
 * file, 0600, in the worker's state directory) signs the API's challenge. The temporary card is
 * bound to that worker, so only this machine's worker identity can serve it.
 */
export class HostClient {
  private token: string | undefined;
  private readonly signKey;
  readonly workerId: string;

  constructor(
    private readonly apiUrl: string,
    stateDir: string,
    workstation: number,
  ) {
    const files = workerFiles(stateDir, workstation);
    try {
      this.signKey = createPrivateKey((JSON.parse(readFileSync(files.key, 'utf8')) as { sign: string }).sign);
      this.workerId = readFileSync(files.id, 'utf8').trim();
    } catch (e) {
      throw new CliError(
        `this host has no enrolled card worker for workstation ${workstation} under ${stateDir} (${(e as Error).message}); a temporary card is served by an enrolled host`,
      );
    }
  }

  private async raw<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new HostApiError(0, 'unreachable', `the issuer API at ${this.apiUrl} does not answer (${(e as Error).message})`);
    }
    const text = await res.text();
    const data = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (!res.ok) throw new HostApiError(res.status, String(data.code ?? `http.${res.status}`), String(data.detail ?? res.statusText));
    return data as T;
  }

  private async logIn(): Promise<string> {
    const { nonce } = await this.raw<{ nonce: string }>('POST', '/api/v1/workers/challenge', { workerId: this.workerId });
    const signature = sign(null, workerAuthMessage(this.workerId, nonce), this.signKey).toString('base64');
    const r = await this.raw<{ token: string }>('POST', '/api/v1/workers/session', { workerId: this.workerId, nonce, signature });
    return r.token;
  }

  /** Calls a worker route; logs in (again) when the session is missing or ended. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    this.token ??= await this.logIn();
    try {
      return await this.raw<T>(method, path, body, this.token);
    } catch (e) {
      if (!(e instanceof HostApiError) || e.status !== 401) throw e;
      this.token = await this.logIn();
      return this.raw<T>(method, path, body, this.token);
    }
  }
}

/**
 * The VSC key protector of a temporary card's host: its HSM operations are done by the API, for
 * this temporary card only. The seal is checked over content the escrow holds, the cardholder
 * key is derived (and the PIN try counted) there; the recovery path does not exist here.
 */
export class RemoteKeyProtector implements VscKeyProtector {
  constructor(
    private readonly client: HostClient,
    private readonly id: string,
  ) {}

  private base(): string {
    return `/api/v1/worker/temporary-cards/${this.id}`;
  }

  currentKeys(): Promise<{ kek: KeyRef; recovery: KeyRef }> {
    return Promise.reject(new Error('a temporary card is made by the issuer API, never on its host'));
  }

  async deriveCardholderKey(_kek: KeyRef, kdfOutput: Uint8Array, context: Uint8Array): Promise<Buffer> {
    const r = await this.client.call<{ key: string }>('POST', `${this.base()}/cardholder-key`, {
      context: Buffer.from(context).toString('base64'),
      kdfOutput: Buffer.from(kdfOutput).toString('base64'),
    });
    return Buffer.from(r.key, 'base64');
  }

  async mac(_kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array): Promise<Buffer> {
    if (purpose !== 'seal') throw new Error('a temporary card has no state section on its host: the API keeps its state');
    const r = await this.client.call<{ mac: string }>('POST', `${this.base()}/seal-mac`, { data: Buffer.from(data).toString('base64') });
    return Buffer.from(r.mac, 'base64');
  }

  async checkMac(kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array, mac: Uint8Array): Promise<MacCheck> {
    return compareMac(await this.mac(kek, purpose, data), mac, { protector: 'issuer-api' });
  }

  wrapForRecovery(): Promise<{ nonce: Buffer; wrapped: Buffer }> {
    return Promise.reject(new Error('the recovery path is never available on a temporary card’s host'));
  }

  unwrapForRecovery(): Promise<Buffer | undefined> {
    return Promise.reject(new Error('the recovery path is never available on a temporary card’s host'));
  }
}

/** The served temporary card: a VSC card whose PIN is changed only at activation (the API keeps its tries). */
class TemporaryCardBackend extends VscCardBackend {
  override changeReference(): Promise<PinCheck> {
    return Promise.reject(
      new BackendError(BackendErrorCode.Refused, 'the PIN of a temporary card is set at activation (scm temporary-card activate)'),
    );
  }

  override unblockPin(): Promise<PinCheck> {
    return Promise.reject(new BackendError(BackendErrorCode.Refused, 'a temporary card has no PUK: activate it again'));
  }
}

export interface HostedCard {
  id: string;
  label: string;
  version: number;
  content: string;
  expiresAt: string;
  state: VscState & { expiresAt: number };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** vpcd must be reachable from this machine only (docs/helpdesk.md shows the firewall rule that enforces it). */
export function assertLoopback(host: string): void {
  if (!LOOPBACK.has(host))
    throw new CliError(`a temporary card is served to a vpcd reader on this machine only (127.0.0.1 or ::1), not ${host}`);
}

export interface ServedTemporaryCard {
  vsc: VirtualSmartCard;
  remove(): Promise<void>;
}

/**
 * Puts the temporary card into the local vpcd reader: loads the escrowed content (the seal is
 * checked through the API), with the state the API keeps; the VSC itself refuses once expired.
 */
export async function serveTemporaryCard(
  client: HostClient,
  hosted: HostedCard,
  opts: { host: string; port: number; onClose?: () => void; onError?: (e: unknown) => void },
): Promise<ServedTemporaryCard> {
  assertLoopback(opts.host);
  const vsc = await VirtualSmartCard.load(
    Buffer.from(hosted.content, 'base64'),
    { protector: new RemoteKeyProtector(client, hosted.id) },
    {
      state: hosted.state,
      // Tries are counted by the API when it derives the cardholder key; nothing is kept here.
      sink: async () => undefined,
    },
  );
  if (vsc.id !== hosted.id) throw new CliError(`the API sent VSC ${vsc.id} for temporary card ${hosted.id}`);
  vsc.assertUsable();
  const backend = new TemporaryCardBackend(vsc, async () => {
    throw new Error('a served temporary card is not changed');
  });
  const card = new PivCard(backend, { onError: opts.onError });
  const virtual: VirtualCard = {
    atr: () => card.atr(),
    transmit: (apdu) => card.transmit(apdu),
    powerOn: () => card.powerOn(),
    powerOff: () => {
      card.powerOff();
      backend.endSession();
    },
    reset: () => {
      card.reset();
      backend.endSession();
    },
  };
  const connector = new VpcdConnector(virtual, {
    host: opts.host,
    port: opts.port,
    onClose: opts.onClose,
    onError: opts.onError as (e: Error) => void,
  });
  await connector.insert();
  return {
    vsc,
    remove: async () => {
      await connector.remove();
      backend.endSession();
    },
  };
}
