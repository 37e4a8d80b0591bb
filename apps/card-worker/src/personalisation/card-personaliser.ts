import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { PcscError } from '@scm/pcsc';
import {
  CardNotAuthenticatedError,
  DEFAULTS,
  InvalidPukError,
  KEY_REF,
  type ManagementKeyAlgorithm,
  type ManagementKeyAuthenticator,
  ManagementKeyRejectedError,
  OBJECT,
  PivError,
  PivErrorCode,
  type PivSession,
  SLOT,
} from '@scm/piv';
import {
  type ClaimView,
  FIXED_STEPS,
  KeyPackageRefusedError,
  planSteps,
  type StepOutcome,
  type StepReport,
  unwrapAsWorker,
} from '@scm/personalisation';
import {
  keyAlgorithm,
  MANAGEMENT_ALGORITHM_NAMES,
  MANAGEMENT_ALGORITHMS,
  randomPin,
  RemoteManagementKey,
  TransportKeyProof,
  unpadSecret,
} from './card-keys';
import { probeCard } from './card-probe';
import { cardRefusal, certificateSerial, ensureDiscovery, holdsCertifiedKey, isPackageFault, signatureMatches } from './card-state';
import { type WorkerApiClient, WorkerApiError } from './worker-api.client';

/** What the worker learnt of a card before deciding what to do with it. */
export interface CardFacts {
  serial: string;
  atr: string;
  /** The GUID of its CHUID, when it has one. */
  guid?: string;
}

export type PersonaliseOutcome =
  | { kind: 'issued'; serial: string; cardId: string }
  /** The request already ended: its job is done. */
  | { kind: 'closed'; state: string }
  /** The request waits for another card (serial): this card cannot take it. */
  | { kind: 'elsewhere'; serial: string | null }
  /** This card may not take the request (bound elsewhere, foreign identity, unknown management key). */
  | { kind: 'card-refused'; code: string; reason: string }
  /** The card left the reader (or the reader failed) mid-way; the request waits for this card. */
  | { kind: 'interrupted'; reason: string }
  /** Another worker took the request over, or the watchdog released it: look at the card again. */
  | { kind: 'superseded'; reason: string }
  /** The card refused a step; the API lets it try again (the request waits for this card): look at it again. */
  | { kind: 'retry'; reason: string }
  /**
   * The card cannot carry the profile: the request failed with the reason, or (a card that refused
   * the same way again) waits in failed-card for an officer. Either way nothing tries it again.
   */
  | { kind: 'failed'; reason: string };

export type PersonaliserApi = Pick<
  WorkerApiClient,
  | 'claim'
  | 'proveCard'
  | 'proveBoundCard'
  | 'package'
  | 'certifyAll'
  | 'cryptograms'
  | 'releaseManagementKey'
  | 'confirmManagementKey'
  | 'beginVerification'
  | 'prove'
  | 'interrupted'
  | 'failed'
  | 'refused'
>;

export interface PersonaliserPorts {
  api: PersonaliserApi;
  workerId: string;
  /** The worker's X25519 key: key material arrives wrapped to it. */
  kexKey: KeyObject;
  /** The API's key-package key pinned at enrolment: a package it did not sign is refused. */
  apiKey(): KeyObject;
  /** Sends a step report (live over the worker channel). */
  report(r: StepReport): void;
  /**
   * Sends a step report and resolves once the API recorded it and every report sent before it (the
   * API records a request's reports in arrival order): the last report before the proofs, so no
   * step's record arrives after the card is issued.
   */
  reportSettled?(r: StepReport): Promise<void>;
  /** Sends the plan of an attempt (every step, for progress bars). */
  plan(requestId: string, attempt: number, steps: string[]): void;
  /** How many APDUs the card exchanged so far (for the reports). */
  apdus?(): number;
}

const SLOT_BYTE = (slot: string): number => parseInt(slot, 16);

/** Tries each authenticator in turn; returns the one the card accepted, or undefined. */
async function authenticateWith(session: PivSession, auths: ManagementKeyAuthenticator[]): Promise<ManagementKeyAuthenticator | undefined> {
  for (const a of auths) {
    try {
      await session.authenticate(a);
      return a;
    } catch (e) {
      if (e instanceof ManagementKeyRejectedError || e instanceof CardNotAuthenticatedError) continue;
      throw e;
    }
  }
  return undefined;
}

/**
 * The card's PIV attestation of a generated key (Yubico ATTEST, F9) and its attestation certificate
 * (5FFF01), for the API to check against the stock's vendor root; undefined when the card has none.
 */
async function attestationOf(
  session: PivSession,
  slot: number,
): Promise<{ certificate: Uint8Array; intermediate: Uint8Array } | undefined> {
  try {
    const certificate = await session.attest(slot);
    const intermediate = (await session.readCertificate(SLOT.ATTESTATION))?.der;
    return intermediate ? { certificate, intermediate } : undefined;
  } catch (e) {
    if (e instanceof PivError) return undefined;
    throw e;
  }
}

/**
 * One personalisation attempt on one card, for one request (design.md "Flows", 1): claim the card,
 * authenticate with its transport key (or, resuming, its diversified key through the API's HSM),
 * set the diversified management key, PIN/PUK retries, the escrowed PUK and a random PIN nobody
 * sees — all before any cardholder key, certificate or object, so a card left half-done never holds
 * them under a well-known key — then import the escrowed keys, have the card generate the others
 * and get them certified, write certificates, Discovery (only when the card lacks one), CHUID, CCC
 * and the Security Object, then prove every key with a signature (and the key-management key by
 * decryption). Every step is reported.
 *
 * Restartable from the top on the same card: each step either is idempotent or knows how to tell
 * (management key: try both; PUK: try the escrowed one when it is already set; an on-card key the
 * card still holds under its certificate is kept, not generated and certified again). A step the
 * card refuses is reported with its status word; the API decides whether the card is tried again.
 */
export class CardPersonaliser {
  constructor(private readonly ports: PersonaliserPorts) {}

  async run(session: PivSession, card: CardFacts, requestId: string, opts: { bound: boolean }): Promise<PersonaliseOutcome> {
    const { api } = this.ports;
    // The card proves one of its keys to the API's HSM before anything is bound to it (or before
    // another worker takes its request over): a blank card its stock transport key, a bound card
    // whichever it holds now.
    let auth: ManagementKeyAuthenticator | undefined;
    let proof: { proofId: string; response: string } | undefined;
    let provenKey: 'transport' | 'diversified' | undefined;
    const proved = await this.proveCard(session, card, requestId, opts.bound);
    if ('kind' in proved) return proved;
    if (proved.auth) ({ auth, answer: proof, key: provenKey } = proved);
    let claim: ClaimView;
    try {
      claim = await api.claim({
        requestId,
        serial: card.serial,
        atr: card.atr,
        ...(card.guid ? { guid: card.guid } : {}),
        ...(proof ? { proof } : {}),
        probe: await probeCard(session),
      });
    } catch (e) {
      if (!(e instanceof WorkerApiError)) throw e;
      if (e.code.startsWith('stock.')) return { kind: 'card-refused', code: e.code, reason: e.message };
      switch (e.code) {
        case 'personalisation.request-closed':
          return { kind: 'closed', state: String(e.body.state ?? 'closed') };
        case 'personalisation.not-found':
          // A job whose request does not exist (a queue that outlived its database): nothing to do.
          return { kind: 'closed', state: 'unknown' };
        case 'personalisation.waits-for-another-card':
          return { kind: 'elsewhere', serial: (e.body.serial as string | null) ?? null };
        case 'personalisation.card-taken':
        case 'personalisation.card-not-blank':
        case 'personalisation.card-spoiled':
        case 'personalisation.card-lacks-capability':
          return { kind: 'card-refused', code: e.code, reason: e.message };
        default:
          throw e;
      }
    }
    // The step under way, for a refusal's report.
    const at = { step: FIXED_STEPS.authenticate as string };
    const step = (name: string, outcome: StepOutcome, details?: StepReport['details']) => {
      at.step = name;
      this.ports.report({ requestId, attempt: claim.attempt, step: name, outcome, ...(details ? { details } : {}) });
    };
    const begin = (name: string) => (at.step = name);
    try {
      return await this.steps(session, card, claim, auth, provenKey, step, begin);
    } catch (e) {
      if (e instanceof PcscError) {
        await api.interrupted(requestId, `${e.code}: ${e.message}`).catch(() => undefined);
        return { kind: 'interrupted', reason: e.message };
      }
      if (
        e instanceof WorkerApiError &&
        (e.code === 'personalisation.not-claimant' || e.code === 'issuance.not-claimant' || e.code === 'issuance.illegal-transition')
      ) {
        return { kind: 'superseded', reason: e.message };
      }
      if (e instanceof WorkerApiError && e.code === 'personalisation.proof-failed') return { kind: 'failed', reason: e.message };
      // A key package the API did not sign for this card, purpose and time: nothing of it is used,
      // and the request fails with the reason (audited with its transition).
      if (e instanceof KeyPackageRefusedError) {
        const reason = `key package refused: ${e.message}`;
        await api.failed(requestId, reason);
        return { kind: 'failed', reason };
      }
      // The card's stock attests its keys and this card's attestation does not hold: it is not trusted.
      if (e instanceof WorkerApiError && e.code === 'stock.attestation-refused') {
        await api.failed(requestId, e.message);
        return { kind: 'failed', reason: e.message };
      }
      const refused = cardRefusal(e);
      if (refused) {
        const reason = (e as Error).message;
        const r = await api.refused(requestId, { step: at.step, ...(refused.sw ? { sw: refused.sw } : {}), reason: reason.slice(0, 300) });
        const what = `the card refused step ${r.step}${r.sw ? ` with SW=${r.sw}` : ''}: ${reason}`;
        return r.final ? { kind: 'failed', reason: `${what} (failed-card: an officer decides)` } : { kind: 'retry', reason: what };
      }
      if (isPackageFault(e)) {
        const reason = (e as Error).message;
        await api.failed(requestId, reason);
        return { kind: 'failed', reason };
      }
      throw e;
    }
  }

  /**
   * Mutual authentication with one of the card's keys, the HSM's side computed by the API (the
   * algorithm from GET METADATA 9B, 3DES when the card cannot tell): the card accepts the HSM's
   * decrypted witness, and its answer to the HSM's challenge goes with the claim. A blank card
   * answers its stock transport key; a bound card its diversified key, or still its transport key.
   */
  private async proveCard(
    session: PivSession,
    card: CardFacts,
    requestId: string,
    bound: boolean,
  ): Promise<
    | { auth: ManagementKeyAuthenticator; answer: { proofId: string; response: string }; key: 'transport' | 'diversified' }
    | { auth: undefined }
    | PersonaliseOutcome
  > {
    const { api } = this.ports;
    try {
      const meta = await session.tryMetadata(KEY_REF.MANAGEMENT);
      const alg = (
        meta && MANAGEMENT_ALGORITHM_NAMES[meta.algorithm] ? meta.algorithm : MANAGEMENT_ALGORITHMS['3des']
      ) as ManagementKeyAlgorithm;
      const algorithm = MANAGEMENT_ALGORITHM_NAMES[alg];
      const transport = (w: Uint8Array) => api.proveCard({ requestId, serial: card.serial, algorithm, encryptedWitness: w });
      const diversified = (w: Uint8Array) => api.proveBoundCard(requestId, { serial: card.serial, algorithm, encryptedWitness: w });
      const tries: Array<['transport' | 'diversified', typeof transport]> = bound
        ? [
            ['diversified', diversified],
            ['transport', transport],
          ]
        : [['transport', transport]];
      for (const [key, challenge] of tries) {
        const p = new TransportKeyProof(alg, challenge);
        try {
          await session.authenticate(p);
        } catch (e) {
          if (e instanceof ManagementKeyRejectedError || e instanceof CardNotAuthenticatedError) continue;
          // A bound card whose other key the API cannot challenge (another algorithm): try the next.
          if (bound && e instanceof WorkerApiError && !e.transient) continue;
          throw e;
        }
        const answer = p.answer;
        if (!answer) throw new PivError(PivErrorCode.CardError, 'the card gave no answer to the HSM challenge');
        return { auth: p, answer, key };
      }
      // A bound card the claimant itself resumes needs no proof; the claim and the steps say the rest.
      if (bound) return { auth: undefined };
      return { kind: 'card-refused', code: 'unknown-management-key', reason: 'the card does not answer the transport key of its stock' };
    } catch (e) {
      if (e instanceof PcscError) return { kind: 'interrupted', reason: e.message };
      if (e instanceof WorkerApiError && e.code.startsWith('stock.')) return { kind: 'card-refused', code: e.code, reason: e.message };
      // The request itself is refused (ended, unknown, not ready): the claim says so, and settles its job.
      if (e instanceof WorkerApiError && e.code.startsWith('personalisation.')) return { auth: undefined };
      throw e;
    }
  }

  private async steps(
    session: PivSession,
    card: CardFacts,
    claim: ClaimView,
    transportAuth: ManagementKeyAuthenticator | undefined,
    provenKey: 'transport' | 'diversified' | undefined,
    step: (name: string, outcome: StepOutcome, details?: StepReport['details']) => void,
    begin: (name: string) => void,
  ): Promise<PersonaliseOutcome> {
    const { api, workerId, kexKey } = this.ports;
    const requestId = claim.requestId;
    const done = new Set(claim.stepsDone);

    // 1. Key material first (it names the slots of the plan); it stays wrapped until needed.
    begin(FIXED_STEPS.keyMaterial);
    const pkg = claim.package ?? (await api.package(requestId));
    const mgmtAlg = MANAGEMENT_ALGORITHMS[pkg.profile.managementKey.algorithm];
    if (mgmtAlg === undefined)
      throw new PivError(PivErrorCode.InvalidArgument, `unknown management-key algorithm ${pkg.profile.managementKey.algorithm}`);
    const remote = new RemoteManagementKey(mgmtAlg, (w) => api.cryptograms(requestId, w));
    this.ports.plan(
      requestId,
      claim.attempt,
      planSteps(
        pkg.importSlots.map((s) => s.slot),
        pkg.onCardSlots.map((s) => s.slot),
      ),
    );

    // 2. The management key: the transport key of a blank card, else the diversified one.
    begin(FIXED_STEPS.authenticate);
    let diversified = false;
    if (!transportAuth) {
      // The transport key stays in the API's HSM too: it computes the cryptograms of either key.
      const transportAlg = MANAGEMENT_ALGORITHMS[claim.transportAlgorithm];
      const transport = transportAlg
        ? [new RemoteManagementKey(transportAlg, (w) => api.cryptograms(requestId, w, 'transport'), 'transport')]
        : [];
      const order = claim.managementKey === 'diversified' ? [remote, ...transport] : [...transport, remote];
      const used = await authenticateWith(session, order);
      if (!used) throw new PivError(PivErrorCode.CardError, 'the card answers neither its transport key nor its diversified key');
      diversified = used === remote;
      if (diversified && claim.managementKey !== 'diversified') await api.confirmManagementKey(requestId);
    } else if (provenKey === 'diversified') {
      // The card proved its diversified key before the claim, and is authenticated with it.
      diversified = true;
      if (claim.managementKey !== 'diversified') await api.confirmManagementKey(requestId);
    }
    step(FIXED_STEPS.authenticate, 'done', { key: diversified ? 'diversified' : 'transport' });

    const material = unwrapAsWorker(pkg.keyMaterial, kexKey, {
      requestId,
      workerId,
      cardSerial: card.serial,
      purpose: 'key-material',
      apiKey: this.ports.apiKey(),
    });
    let pin: string | undefined;
    try {
      step(FIXED_STEPS.keyMaterial, 'done', { keys: material.keys.length });
      if (!material.puk) throw new PivError(PivErrorCode.InvalidArgument, 'the key material holds no PUK');
      const puk = unpadSecret(material.puk);

      // 3. The diversified management key before anything of the cardholder's reaches the card:
      //    released wrapped for this worker, used for one APDU, wiped; then the card must answer the
      //    HSM's cryptograms for it. From here on the transport key no longer opens the card.
      begin(FIXED_STEPS.managementKey);
      if (!diversified) {
        await this.setDiversifiedKey(session, requestId, card.serial, remote);
        step(FIXED_STEPS.managementKey, 'done', { algorithm: pkg.profile.managementKey.algorithm });
      } else step(FIXED_STEPS.managementKey, 'skipped');

      // 4. PIN and PUK retry counters (Yubico SET PIN RETRIES resets both to their defaults).
      begin(FIXED_STEPS.retries);
      const pinMeta = await session.tryMetadata(KEY_REF.PIN);
      const pukMeta = await session.tryMetadata(KEY_REF.PUK);
      if (pinMeta && pukMeta && (pinMeta.retriesTotal !== pkg.profile.pin.tries || pukMeta.retriesTotal !== pkg.profile.puk.tries)) {
        await this.knownPin(session, puk, done.has(FIXED_STEPS.puk));
        await session.setPinRetries(pkg.profile.pin.tries, pkg.profile.puk.tries);
        done.delete(FIXED_STEPS.puk);
        step(FIXED_STEPS.retries, 'done', { pin: pkg.profile.pin.tries, puk: pkg.profile.puk.tries });
      } else step(FIXED_STEPS.retries, 'skipped');

      // 5. The escrowed PUK, then a random PIN (set with the PUK, so it works whatever the PIN was).
      begin(FIXED_STEPS.puk);
      await this.setPuk(session, puk, done.has(FIXED_STEPS.puk));
      step(FIXED_STEPS.puk, 'done');
      begin(FIXED_STEPS.pin);
      pin = randomPin(pkg.profile.pin.maxLength);
      await session.unblockPin(puk, pin);
      step(FIXED_STEPS.pin, 'done', { length: pin.length });

      // 6. Escrowed keys into the card (only escrowed versions are released: invariant 1).
      for (const s of pkg.importSlots) {
        begin(`import:${s.slot}`);
        const k = material.keys.find((x) => x.slot === s.slot);
        if (!k) throw new PivError(PivErrorCode.InvalidArgument, `the key material has no key for slot ${s.slot}`);
        const key = createPrivateKey({ key: k.pkcs8, format: 'der', type: 'pkcs8' });
        await session.importKey(SLOT_BYTE(s.slot), key);
        step(`import:${s.slot}`, 'done', { algorithm: s.algorithm, certificate: s.serial });
      }
    } finally {
      for (const k of material.keys) k.pkcs8.fill(0);
      material.puk?.fill(0);
    }

    // 7. Keys the card generates itself, certified by the API from their public keys. A key an
    //    earlier attempt generated and had certified, still in its slot, is kept: no new key, no new
    //    certificate (and no revoked one) for the same card within a request.
    const certificates = new Map<string, string>(pkg.importSlots.map((s) => [s.slot, s.certificate]));
    const generated: Array<{
      slot: string;
      algorithm: string;
      spki: Uint8Array;
      attestation?: { certificate: Uint8Array; intermediate: Uint8Array };
    }> = [];
    for (const s of pkg.onCardSlots) {
      begin(`generate:${s.slot}`);
      if (s.certificate && (await holdsCertifiedKey(session, SLOT_BYTE(s.slot), keyAlgorithm(s.algorithm), s.certificate, pin!))) {
        certificates.set(s.slot, s.certificate);
        step(`generate:${s.slot}`, 'skipped', { algorithm: s.algorithm, reused: true, certificate: certificateSerial(s.certificate) });
        continue;
      }
      step(`generate:${s.slot}`, 'started');
      const pub = await session.generateKey(SLOT_BYTE(s.slot), keyAlgorithm(s.algorithm));
      const attestation = await attestationOf(session, SLOT_BYTE(s.slot));
      generated.push({ slot: s.slot, algorithm: s.algorithm, spki: pub.spki, ...(attestation ? { attestation } : {}) });
    }
    // The card's new keys are certified together: one call, one new VSC version for all of them.
    if (generated.length) {
      begin(`generate:${generated[0]!.slot}`);
      const certs = await api.certifyAll(
        requestId,
        generated.map(({ slot, spki, attestation }) => ({ slot, spki, ...(attestation ? { attestation } : {}) })),
      );
      for (const g of generated) {
        const cert = certs.find((c) => c.slot === g.slot);
        if (!cert) throw new WorkerApiError(502, 'personalisation.bad-answer', `the API certified no key for slot ${g.slot}`);
        certificates.set(g.slot, cert.certificate);
        step(`generate:${g.slot}`, 'done', { algorithm: g.algorithm, certificate: cert.serial });
      }
    }

    // 8. Certificates, then the card's identity objects (the Security Object last: it signs the others).
    begin(FIXED_STEPS.certificates);
    for (const [slot, der] of certificates) await session.writeCertificate(SLOT_BYTE(slot), Buffer.from(der, 'base64'));
    step(FIXED_STEPS.certificates, 'done', { count: certificates.size });
    begin(FIXED_STEPS.discovery);
    const discovery = await ensureDiscovery(session, Buffer.from(pkg.objects.discovery, 'base64'));
    step(FIXED_STEPS.discovery, discovery.outcome, discovery.details);
    begin(FIXED_STEPS.objects);
    await session.putObject(OBJECT.CHUID, Buffer.from(pkg.objects.chuid, 'base64'));
    await session.putObject(OBJECT.CCC, Buffer.from(pkg.objects.ccc, 'base64'));
    // A reissued card (issue 8) also holds recovered keys in retired slots, which Key History announces.
    if (pkg.objects.keyHistory) await session.putObject(OBJECT.KEY_HISTORY, Buffer.from(pkg.objects.keyHistory, 'base64'));
    await session.putObject(OBJECT.SECURITY, Buffer.from(pkg.objects.securityObject, 'base64'));
    const objectsDone: StepReport = {
      requestId,
      attempt: claim.attempt,
      step: FIXED_STEPS.objects,
      outcome: 'done',
      details: { guid: pkg.cardUuid },
    };
    if (this.ports.reportSettled) await this.ports.reportSettled(objectsDone);
    else this.ports.report(objectsDone);

    // 9. Every key proves itself: a signature over the API's message, and the key-management test.
    begin('prove:9a');
    const ch = await api.beginVerification(requestId);
    const signatures: Array<{ slot: string; signature: string }> = [];
    await session.verifyPin(pin!);
    for (const s of ch.slots) {
      begin(`prove:${s.slot}`);
      if (s.slot === '9c') await session.verifyPin(pin!);
      const message = Buffer.from(s.message, 'base64');
      const sig = await session.sign(SLOT_BYTE(s.slot), keyAlgorithm(s.algorithm), message);
      const cert = certificates.get(s.slot);
      const ok = cert ? signatureMatches(cert, message, sig) : false;
      signatures.push({ slot: s.slot, signature: Buffer.from(sig).toString('base64') });
      step(`prove:${s.slot}`, ok ? 'done' : 'failed', { certificate: s.certificateSerial });
    }
    let keyManagement: { slot: string; answer: string } | undefined;
    if (ch.keyManagement) {
      const km = ch.keyManagement;
      begin(`prove:${km.slot}`);
      const alg = keyAlgorithm(
        pkg.importSlots.find((s) => s.slot === km.slot)?.algorithm ?? pkg.onCardSlots.find((s) => s.slot === km.slot)!.algorithm,
      );
      const input = Buffer.from(km.input, 'base64');
      const answer =
        km.kind === 'rsa-decrypt'
          ? await session.decrypt(SLOT_BYTE(km.slot), alg, input)
          : await session.ecdh(SLOT_BYTE(km.slot), alg, createPublicKey({ key: input, format: 'der', type: 'spki' }));
      keyManagement = { slot: km.slot, answer: Buffer.from(answer).toString('base64') };
    }
    pin = undefined;
    const r = await api.prove(requestId, { signatures, ...(keyManagement ? { keyManagement } : {}) });
    return { kind: 'issued', serial: r.serial || card.serial, cardId: r.cardId };
  }

  /** Sets the diversified management key (released wrapped for this worker, wiped after one APDU) and proves the card took it. */
  private async setDiversifiedKey(session: PivSession, requestId: string, cardSerial: string, remote: RemoteManagementKey): Promise<void> {
    const { api, workerId, kexKey } = this.ports;
    const wrapped = await api.releaseManagementKey(requestId);
    const m = unwrapAsWorker(wrapped, kexKey, { requestId, workerId, cardSerial, purpose: 'management-key', apiKey: this.ports.apiKey() });
    try {
      if (!m.managementKey) throw new PivError(PivErrorCode.InvalidArgument, 'no management key in the released material');
      await session.setManagementKey(m.managementKey.key, m.managementKey.algorithm);
    } finally {
      m.managementKey?.key.fill(0);
    }
    await session.authenticate(remote);
    await api.confirmManagementKey(requestId);
  }

  /** Makes the PIN verified for SET PIN RETRIES: the default on a fresh card, else reset with the PUK. */
  private async knownPin(session: PivSession, puk: string, pukSet: boolean): Promise<void> {
    try {
      await session.verifyPin(DEFAULTS.PIN);
      return;
    } catch (e) {
      if (!(e instanceof PivError)) throw e;
    }
    await session.unblockPin(pukSet ? puk : DEFAULTS.PUK, DEFAULTS.PIN).catch(async (e: unknown) => {
      if (!(e instanceof InvalidPukError)) throw e;
      await session.unblockPin(pukSet ? DEFAULTS.PUK : puk, DEFAULTS.PIN);
    });
    await session.verifyPin(DEFAULTS.PIN);
  }

  /**
   * Sets the escrowed PUK. On a fresh card the PUK is the default; an earlier attempt may have set
   * it already — then the escrowed one is tried first, so no try is spent in the common case.
   */
  private async setPuk(session: PivSession, puk: string, likelySet: boolean): Promise<void> {
    const [first, second] = likelySet ? [puk, DEFAULTS.PUK] : [DEFAULTS.PUK, puk];
    try {
      await session.changePuk(first, puk);
    } catch (e) {
      if (!(e instanceof InvalidPukError)) throw e;
      await session.changePuk(second, puk);
    }
  }
}
