import { Inject, Injectable } from '@nestjs/common';
import type {
  ActivationView,
  CardProbe,
  CardProofChallenge,
  CardLeaseView,
  CardPresence,
  CardRefusalOutcome,
  ClaimView,
  CryptogramsView,
  OnCardCertificate,
  PersonalisationPackage,
  ProofsInput,
  VerificationChallenge,
  WrappedKeyMaterial,
} from '@scm/personalisation';
import { EnrolmentService } from '../enrolment/enrolment.service';
import { WORKER_CONFIG, type WorkerConfig } from '../worker-config';
import { measure } from './attempt-clock';

/** A problem the API answered (application/problem+json), or a network failure (status 0). */
export class WorkerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** Worth trying again later: the API or the network failed, not the request. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 401 || this.status === 429;
  }
}

/** A call's name for the attempt clock: its path without the prefix, ids and query. */
const callName = (path: string): string =>
  path
    .replace(/^\/api\/v1\/worker\//, '')
    .replace(/\?.*$/, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id');

/** The worker's calls to the issuer API, with its approved session (waits for approval first). */
@Injectable()
export class WorkerApiClient {
  constructor(
    @Inject(WORKER_CONFIG) private readonly cfg: WorkerConfig,
    private readonly enrolment: EnrolmentService,
  ) {}

  get workerId(): string {
    const id = this.enrolment.workerId;
    if (!id) throw new Error('this worker is not registered');
    return id;
  }

  call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return measure(callName(path), () => this.send<T>(method, path, body));
  }

  private async send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const s = this.enrolment.current() ?? (await this.enrolment.whenApproved());
    let res: Response;
    try {
      res = await fetch(`${this.cfg.SCM_API_URL}${path}`, {
        method,
        headers: { authorization: `Bearer ${s.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (e) {
      throw new WorkerApiError(0, 'network', `the API does not answer: ${(e as Error).message}`);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let data: Record<string, unknown> = {};
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      if (res.status === 401) this.enrolment.invalidate();
      throw new WorkerApiError(res.status, String(data.code ?? `http.${res.status}`), String(data.detail ?? res.statusText), data);
    }
    return data as T;
  }

  claim(c: {
    requestId: string;
    serial: string;
    atr: string;
    guid?: string;
    /** A blank card's answer to the HSM's transport-key challenge (proveCard), base64. */
    proof?: { proofId: string; response: string };
    /** What the worker read of the card for its capabilities (GET VERSION). */
    probe?: CardProbe;
  }): Promise<ClaimView> {
    // The package comes with the claim: one round trip less per card. An API older than the worker
    // refuses the unknown field: update the API replicas before the workers (docs/deploy.md).
    return this.call('POST', '/api/v1/worker/personalisation/claims', { ...c, withPackage: true });
  }

  /** The HSM's answer to a blank card's transport-key witness, for the card of `serial` in stock. */
  proveCard(c: { requestId: string; serial: string; algorithm: string; encryptedWitness: Uint8Array }): Promise<CardProofChallenge> {
    return this.call('POST', '/api/v1/worker/stock/proofs', {
      requestId: c.requestId,
      serial: c.serial,
      algorithm: c.algorithm,
      encryptedWitness: Buffer.from(c.encryptedWitness).toString('base64'),
    });
  }

  /** Reports the card in a reader; the API answers with the card job it leases this worker for it, if any. */
  lease(card: CardPresence): Promise<CardLeaseView> {
    return this.call('POST', '/api/v1/worker/personalisation/leases', card);
  }

  package(requestId: string): Promise<PersonalisationPackage> {
    return this.call('GET', `/api/v1/worker/issuance-requests/${requestId}/personalisation`);
  }

  certify(
    requestId: string,
    slot: string,
    spki: Uint8Array,
    attestation?: { certificate: Uint8Array; intermediate: Uint8Array },
  ): Promise<OnCardCertificate> {
    return this.call('POST', `/api/v1/worker/issuance-requests/${requestId}/slots/${slot}/certificate`, {
      publicKey: Buffer.from(spki).toString('base64'),
      ...(attestation
        ? {
            attestation: {
              certificate: Buffer.from(attestation.certificate).toString('base64'),
              intermediate: Buffer.from(attestation.intermediate).toString('base64'),
            },
          }
        : {}),
    });
  }

  /** Certifies every key the card generated, in one call (the API makes one new VSC version for them all). */
  certifyAll(
    requestId: string,
    keys: Array<{ slot: string; spki: Uint8Array; attestation?: { certificate: Uint8Array; intermediate: Uint8Array } }>,
  ): Promise<OnCardCertificate[]> {
    return this.call('POST', `/api/v1/worker/issuance-requests/${requestId}/certificates`, {
      keys: keys.map((k) => ({
        slot: k.slot,
        publicKey: Buffer.from(k.spki).toString('base64'),
        ...(k.attestation
          ? {
              attestation: {
                certificate: Buffer.from(k.attestation.certificate).toString('base64'),
                intermediate: Buffer.from(k.attestation.intermediate).toString('base64'),
              },
            }
          : {}),
      })),
    });
  }

  /** The HSM's answer to the witness of the diversified key of the card bound to the request (to take the request over). */
  proveBoundCard(requestId: string, c: { serial: string; algorithm: string; encryptedWitness: Uint8Array }): Promise<CardProofChallenge> {
    return this.call('POST', `/api/v1/worker/personalisation/${requestId}/card-proofs`, {
      serial: c.serial,
      algorithm: c.algorithm,
      encryptedWitness: Buffer.from(c.encryptedWitness).toString('base64'),
    });
  }

  cryptograms(requestId: string, encryptedWitness: Uint8Array, key: 'diversified' | 'transport' = 'diversified'): Promise<CryptogramsView> {
    return this.call('POST', `/api/v1/worker/personalisation/${requestId}/management-key/cryptograms`, {
      encryptedWitness: Buffer.from(encryptedWitness).toString('base64'),
      ...(key === 'transport' ? { key } : {}),
    });
  }

  releaseManagementKey(requestId: string): Promise<WrappedKeyMaterial> {
    return this.call('POST', `/api/v1/worker/personalisation/${requestId}/management-key/release`);
  }

  async confirmManagementKey(requestId: string): Promise<void> {
    await this.call('POST', `/api/v1/worker/personalisation/${requestId}/management-key/confirm`);
  }

  async step(requestId: string, report: Record<string, unknown>): Promise<void> {
    await this.call('POST', `/api/v1/worker/personalisation/${requestId}/steps`, report);
  }

  beginVerification(requestId: string): Promise<VerificationChallenge> {
    return this.call('POST', `/api/v1/worker/personalisation/${requestId}/verification`);
  }

  prove(requestId: string, proofs: ProofsInput): Promise<{ state: string; cardId: string; serial: string }> {
    return this.call('POST', `/api/v1/worker/personalisation/${requestId}/verification/proofs`, proofs);
  }

  async interrupted(requestId: string, reason: string): Promise<void> {
    await this.call('POST', `/api/v1/worker/personalisation/${requestId}/interrupted`, { reason: reason.slice(0, 300) });
  }

  async failed(requestId: string, reason: string): Promise<void> {
    await this.call('POST', `/api/v1/worker/personalisation/${requestId}/failed`, { reason: reason.slice(0, 300) });
  }

  /** The card refused a step: the API says whether it is tried again or waits for an officer (failed-card). */
  refused(requestId: string, r: { step: string; sw?: string; reason: string }): Promise<CardRefusalOutcome> {
    return this.call('POST', `/api/v1/worker/personalisation/${requestId}/refused`, r);
  }

  activation(serial: string): Promise<ActivationView> {
    return this.call('GET', `/api/v1/worker/activations?serial=${encodeURIComponent(serial)}`);
  }

  activationPuk(sessionId: string): Promise<WrappedKeyMaterial> {
    return this.call('POST', `/api/v1/worker/activations/${sessionId}/puk`);
  }

  completeActivation(sessionId: string, outcome: { ok: boolean; reason?: string }): Promise<ActivationView> {
    return this.call('POST', `/api/v1/worker/activations/${sessionId}/complete`, outcome);
  }
}
