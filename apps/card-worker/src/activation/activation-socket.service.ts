import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InvalidPukError, PinBlockedError, PukBlockedError } from '@scm/piv';
import { PcscError } from '@scm/pcsc';
import type { Logger } from 'pino';
import {
  activationSocketPath,
  type ActivationClientMessage,
  type ActivationView,
  type ActivationWorkerMessage,
  pinProblem,
  unwrapAsWorker,
} from '@scm/personalisation';
import { EnrolmentService } from '../enrolment/enrolment.service';
import { unpadSecret } from '../personalisation/card-keys';
import { CardSlotsService } from '../personalisation/card-slots.service';
import { ReaderAccessService } from '../personalisation/reader-access.service';
import { WorkerApiClient, WorkerApiError } from '../personalisation/worker-api.client';
import { WORKER_CONFIG, WORKER_LOGGER, type WorkerConfig } from '../worker-config';

const MAX_LINE = 1024;

/**
 * The workstation side of activation: a UNIX socket (0600, in the worker's 0700 state directory)
 * where `scm activate --card SERIAL`, run at this workstation's keyboard, hands over the PIN the
 * cardholder types. The worker checks that an officer opened an activation for that card at this
 * workstation, fetches the card's PUK wrapped for itself, and sets the PIN on the card with RESET
 * RETRY COUNTER. The PIN goes from the socket to the card and nowhere else: it is never logged,
 * never sent to the API and never stored.
 */
@Injectable()
export class ActivationSocketService implements OnApplicationBootstrap, OnModuleDestroy {
  private server: Server | undefined;
  readonly path: string;

  constructor(
    @Inject(WORKER_CONFIG) cfg: WorkerConfig,
    @Inject(WORKER_LOGGER) private readonly log: Logger,
    private readonly api: WorkerApiClient,
    private readonly enrolment: EnrolmentService,
    private readonly slots: CardSlotsService,
    private readonly access: ReaderAccessService,
  ) {
    this.path = cfg.SCM_ACTIVATION_SOCKET || activationSocketPath(cfg.SCM_STATE_DIR, cfg.SCM_WORKSTATION);
  }

  onApplicationBootstrap(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    rmSync(this.path, { force: true });
    this.server = createServer((sock) => this.serve(sock));
    this.server.on('error', (e) => this.log.warn({ err: e.message, socket: this.path }, 'activation socket failed'));
    this.server.listen(this.path, () => {
      chmodSync(this.path, 0o600);
      this.log.info({ socket: this.path }, 'activation prompt socket ready');
    });
  }

  onModuleDestroy(): void {
    this.server?.close();
    rmSync(this.path, { force: true });
  }

  private serve(sock: Socket): void {
    let buf = '';
    let session: ActivationView | undefined;
    let reader: string | undefined;
    let busy = false;
    const send = (m: ActivationWorkerMessage) => sock.writable && sock.write(`${JSON.stringify(m)}\n`);
    const fail = (code: string, message: string, retry = false) => send({ type: 'error', code, message, retry });
    sock.setTimeout(10 * 60_000, () => sock.destroy());
    sock.on('error', () => undefined);
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.length > MAX_LINE * 4) return sock.destroy();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let m: ActivationClientMessage;
        try {
          m = JSON.parse(line) as ActivationClientMessage;
        } catch {
          fail('protocol', 'malformed message');
          continue;
        }
        if (busy) {
          fail('busy', 'the card is being written; wait');
          continue;
        }
        if (m.op === 'cancel') {
          sock.end();
          return;
        }
        if (m.op === 'activate') {
          busy = true;
          void this.prepare(String(m.serial ?? ''))
            .then((r) => {
              if ('error' in r) return fail(r.error.code, r.error.message, r.error.retry);
              session = r.session;
              reader = r.reader;
              send({ type: 'ready', sessionId: r.session.id, serial: r.session.serial, pin: r.session.pin });
            })
            .finally(() => (busy = false));
          continue;
        }
        if (m.op === 'pin') {
          if (!session || !reader) {
            fail('protocol', 'say which card first');
            continue;
          }
          const problem = pinProblem(typeof m.pin === 'string' ? m.pin : '', session.pin);
          if (problem) {
            fail('weak-pin', problem, true);
            continue;
          }
          busy = true;
          send({ type: 'progress', message: `setting the PIN of card ${session.serial}` });
          const s = session;
          void this.setPin(s, reader, m.pin)
            .then((r) =>
              r.ok ? send({ type: 'done', cardId: s.cardId, serial: s.serial, state: 'active' }) : fail(r.code, r.message, r.retry),
            )
            .finally(() => {
              busy = false;
            });
        }
      }
    });
  }

  private async prepare(
    serial: string,
  ): Promise<{ session: ActivationView; reader: string } | { error: { code: string; message: string; retry: boolean } }> {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(serial)) return { error: { code: 'protocol', message: 'not a card serial', retry: false } };
    if (this.enrolment.state !== 'approved')
      return { error: { code: 'not-approved', message: 'this worker is not approved', retry: false } };
    const reader = this.slots.readerOf(serial);
    if (!reader)
      return { error: { code: 'card-not-in-reader', message: `card ${serial} is not in a reader of this workstation`, retry: true } };
    try {
      return { session: await this.api.activation(serial), reader };
    } catch (e) {
      if (e instanceof WorkerApiError && e.status === 404) {
        return {
          error: { code: 'no-session', message: `no officer opened an activation of card ${serial} at this workstation`, retry: false },
        };
      }
      return { error: { code: 'api', message: (e as Error).message, retry: true } };
    }
  }

  private async setPin(
    s: ActivationView,
    reader: string,
    pin: string,
  ): Promise<{ ok: true } | { ok: false; code: string; message: string; retry: boolean }> {
    let report: { ok: boolean; reason?: string } | undefined;
    try {
      const wrapped = await this.api.activationPuk(s.id);
      const material = unwrapAsWorker(wrapped, this.enrolment.identity.kexKey, {
        requestId: s.requestId ?? '',
        workerId: this.api.workerId,
        cardSerial: s.serial,
        purpose: 'activation-puk',
        apiKey: this.enrolment.apiPackageKey(),
      });
      try {
        if (!material.puk) throw new Error('no PUK released');
        const puk = unpadSecret(material.puk);
        await this.access.use(reader, async ({ session }) => {
          const id = await session.identity();
          if (String(id.serial) !== s.serial) throw new Error(`the card in ${reader} is not card ${s.serial}`);
          await session.unblockPin(puk, pin);
          await session.verifyPin(pin);
        });
      } finally {
        material.puk?.fill(0);
      }
      report = { ok: true };
    } catch (e) {
      const reason =
        e instanceof InvalidPukError || e instanceof PukBlockedError
          ? 'the card refused its escrowed PUK'
          : e instanceof PinBlockedError
            ? 'the PIN is blocked'
            : e instanceof PcscError
              ? `card or reader: ${e.code}`
              : e instanceof WorkerApiError
                ? `API: ${e.code}`
                : (e as Error).message;
      this.log.warn({ sessionId: s.id, serial: s.serial, reason }, 'activation failed');
      // A card pulled out or an API hiccup can be tried again; a refused PUK closes the session.
      if (e instanceof PcscError || (e instanceof WorkerApiError && e.transient))
        return { ok: false, code: 'retry', message: reason, retry: true };
      report = { ok: false, reason };
    }
    try {
      await this.api.completeActivation(s.id, report);
    } catch (e) {
      return { ok: false, code: 'api', message: `the card is set but the API did not record it: ${(e as Error).message}`, retry: false };
    }
    this.log.info({ sessionId: s.id, serial: s.serial, ok: report.ok }, 'activation reported');
    return report.ok ? { ok: true } : { ok: false, code: 'failed', message: report.reason ?? 'failed', retry: false };
  }
}
