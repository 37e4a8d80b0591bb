import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { GENERATED_ALGORITHMS, MemoryKeyProtector, VirtualSmartCard, type VscDeps } from '@scm/vsc';
import type { Logger } from 'pino';
import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { InMemoryCardholderRepository } from '../../issuance/cardholders/in-memory-cardholder.repository';
import { type CardProfileDefinition, slotByte, vscGeneratedSlots } from '../../issuance/profiles/card-profile';
import { CARD_OBJECT } from '../../issuance/requests/generate-keys/card-content';
import { InMemoryRequestRepository } from '../../issuance/requests/in-memory-request.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { InMemoryVscRepository } from '../../issuance/vsc-escrow/in-memory-vsc.repository';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import type { CertificateStatusService } from '../../pki/certificate-status.service';
import { InMemoryCertificateRepository } from '../../pki/in-memory-certificate.repository';
import type { ApiConfig } from '../../platform/config/api-config';
import type { UnitOfWork } from '../../platform/infra/unit-of-work';
import { InMemoryOutboxRepository } from '../../platform/outbox/in-memory-outbox.repository';
import { InMemoryWorkerRepository } from '../../trust/workers/in-memory-worker.repository';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import type { WorkerChannel } from '../../trust/workers/worker-channel';
import { InMemoryActivationSessionRepository } from '../activation/in-memory-activation-session.repository';
import { ActivationService } from '../activation/activation.service';
import { AttemptOutcomesService } from '../attempts/attempt-outcomes.service';
import { AttemptsService } from '../attempts/attempts.service';
import { InMemoryPersonalisationRepository } from '../attempts/in-memory-personalisation.repository';
import { CardCertificatesService } from '../card-certificates.service';
import type { CardSecretsService } from '../card-secrets.service';
import { InMemoryCardCredentialRepository } from '../in-memory-card-credential.repository';
import { ClaimGuardService } from '../leases/claim-guard.service';
import { InMemoryCardLeaseRepository } from '../leases/in-memory-card-lease.repository';
import { WorkerDecisionService } from '../../trust/workers/worker-decision.service';
import { SessionService } from '../../trust/auth/session.service';
import { InMemorySessionRepository } from '../../trust/auth/in-memory-session.repository';
import { VerificationService } from '../verify-card/verification.service';
import { cardEncrypt, specTransportKey, stockWorld } from '../../stock/testing/stock-world';
import { SpecKeyPackages } from '../../trust/workers/testing/spec-key-packages';
import type { KeyPackageExpectation, KeyPackagePurpose } from '@scm/personalisation';
import { RecordingChannel, RecordingStatuses, SpecCa, SpecCardSecrets } from './spec-doubles';

/*
 * The personalisation context over in-memory repositories, for handler specs: the real domain
 * services, a VSC escrow on a memory key protector, a CA that signs real X.509 certificates with a
 * key of its own, and recording stand-ins for the HSM card secrets, certificate status changes
 * and the worker channel.
 */

export const REQUEST = '00000000-0000-4000-8000-0000000000a1';
export const WORKER = '00000000-0000-4000-8000-00000000b001';
export const OTHER_WORKER = '00000000-0000-4000-8000-00000000b002';
export const HOLDER = '00000000-0000-4000-8000-00000000c001';
export const SERIAL = '1741558770';
export const ATR = '3BF81300008131FE15597562696B65793479';

/** A small profile: a card-generated 9A, an escrowed 9D, a 9E made on the VSC. */
export const PROFILE: CardProfileDefinition = {
  slots: {
    '9a': { algorithm: 'p256', template: 'piv-authentication', escrow: 'on-card' },
    '9d': { algorithm: 'p256', template: 'piv-key-management', escrow: 'escrow' },
    '9e': { algorithm: 'p256', template: 'piv-card-authentication', escrow: 'regenerate' },
  },
  pin: { minLength: 6, maxLength: 8, tries: 3 },
  puk: { length: 8, tries: 3 },
  managementKey: { algorithm: 'aes256' },
  validityDays: 365,
};

export const SPEC_CONFIG = {
  SCM_ORGANIZATION: 'Example Org',
  SCM_ACTIVATION_TTL_MINUTES: 30,
  SCM_PERSONALISATION_STALL_SECONDS: 60,
  SCM_CARD_LEASE_SECONDS: 30,
  SCM_CLAIMS_PER_MINUTE: 20,
  SCM_WORKER_SUSPEND_AFTER_REFUSED_CLAIMS: 3,
  SCM_CLAIM_REFUSALS_WINDOW_MINUTES: 10,
} as ApiConfig;

/** Everything a personalisation handler spec needs, wired as the module wires it. */
export function personalisationWorld() {
  const uow = new TestUnitOfWork();
  const requests = new InMemoryRequestRepository();
  const cards = new InMemoryCardRepository();
  const issued = new InMemoryCertificateRepository();
  const vscs = new InMemoryVscRepository();
  const cardholders = new InMemoryCardholderRepository();
  const attempts = new InMemoryPersonalisationRepository(requests);
  const outbox = new InMemoryOutboxRepository(() => uow.testClock.now());
  const credentials = new InMemoryCardCredentialRepository();
  const workers = new InMemoryWorkerRepository();
  const sessions = new InMemoryActivationSessionRepository();
  const statuses = new RecordingStatuses(issued);
  const ca = new SpecCa(issued);
  const deps: VscDeps = { protector: new MemoryKeyProtector(Buffer.alloc(32, 0x4b), Buffer.alloc(32, 0x52)) };
  const log = { error: () => undefined, warn: () => undefined } as unknown as Logger;
  const escrow = new (class extends VscEscrowService {
    override deps(): VscDeps {
      return deps;
    }
  })(vscs, undefined as never, uow as UnitOfWork, log);
  const secrets = new SpecCardSecrets();
  const channel = new RecordingChannel();
  const states = new RequestStateMachine(requests);
  const lifecycle = new CardLifecycleService(cards, issued, statuses as unknown as CertificateStatusService);
  const certificates = new CardCertificatesService(
    issued,
    statuses as unknown as CertificateStatusService,
    ca.service(),
    cardholders,
    SPEC_CONFIG,
  );
  const attemptsService = new AttemptsService(states, attempts, cards);
  const outcomes = new AttemptOutcomesService(states, lifecycle, cards, certificates);
  const leases = new InMemoryCardLeaseRepository(requests);
  const decisions = new WorkerDecisionService(
    workers,
    new SessionService(new InMemorySessionRepository(), uow.testClock, { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 }),
  );
  // Each world its own copy: a spec may change a threshold without touching the others.
  const cfg: { -readonly [K in keyof ApiConfig]: ApiConfig[K] } = { ...SPEC_CONFIG };
  const guard = new ClaimGuardService(leases, workers, cfg, decisions);
  // The key-exchange key pair of the enrolled workers of a spec (what wraps key material for them).
  const kex = generateKeyPairSync('x25519');
  const kexKey = kex.publicKey.export({ format: 'der', type: 'spki' });
  const stock = stockWorld();
  const packages = new SpecKeyPackages();
  return {
    uow,
    /** The API's package key (a software P-256 pair here). */
    packages,
    /** What the worker of a spec expects of a key package (WORKER, REQUEST, card SERIAL). */
    expecting: (purpose: KeyPackagePurpose, over: Partial<KeyPackageExpectation> = {}): KeyPackageExpectation => ({
      requestId: REQUEST,
      workerId: WORKER,
      cardSerial: SERIAL,
      purpose,
      apiKey: packages.pair.publicKey,
      now: uow.testClock.now(),
      ...over,
    }),
    /** Card stock: batch "spec-stock" holds SERIAL and the other serials specs use (see inStock). */
    stock,
    kex,
    /** Enrols an approved worker (with the spec's key-exchange key). */
    enrol: (id: string, workstation = 0) => workers.seed({ id, workstation, kexKey, status: 'approved' }),
    clock: uow.testClock,
    cfg,
    repos: { requests, cards, issued, vscs, cardholders, attempts, outbox, credentials, workers, sessions, leases },
    guard,
    ca,
    deps,
    escrow,
    statuses,
    secrets: secrets as SpecCardSecrets & CardSecretsService,
    channel: channel as RecordingChannel & WorkerChannel,
    states,
    lifecycle,
    certificates,
    attempts: attemptsService,
    outcomes,
    verification: new VerificationService(certificates, attempts),
    activation: new ActivationService(sessions, cards, requests),
  };
}

export type PersonalisationWorld = ReturnType<typeof personalisationWorld>;

/**
 * A request whose escrow is committed, with its cardholder and its escrowed VSC (keys and
 * certificates of the slots made on the VSC, the card objects, a PUK), written by a unit of work of
 * its own so that specs see only what their handler committed.
 */
export async function escrowedRequest(
  w: PersonalisationWorld,
  r: Partial<IssuanceRequest> = {},
): Promise<{ request: IssuanceRequest; vscId: string }> {
  w.repos.cardholders.seed({ id: HOLDER, name: 'Olga Holder', upn: 'olga@example.org' });
  const request = w.repos.requests.seed({ id: REQUEST, state: 'awaiting-card', cardholderId: HOLDER, profile: PROFILE, ...r });
  const vsc = await VirtualSmartCard.create({}, w.deps);
  try {
    const seeding = new TestUnitOfWork(w.clock);
    await seeding.run(testActor(), async (tx) => {
      for (const [slot, s] of vscGeneratedSlots(request.profile)) {
        const key = await vsc.generateKey(slotByte(slot), GENERATED_ALGORITHMS[s.algorithm], { escrow: s.escrow });
        const [cert] = await w.certificates.issue(
          tx,
          request,
          vsc.id,
          [{ slot, template: s.template, spki: key.spki }],
          new Date('2027-12-01T00:00:00Z'),
        );
        vsc.putCertificate(cert.der, { slot: slotByte(slot) });
      }
      for (const o of Object.values(CARD_OBJECT))
        vsc.putData({ name: o.name, area: 'public', value: Buffer.from(`${o.name} of ${vsc.id}`), cardTag: o.tag });
      vsc.setCardPuk('12345678');
      await vsc.seal();
      await w.escrow.storeNew(tx, vsc, { kind: 'escrow', requestId: request.id, cardholderId: HOLDER, reason: 'issued' });
      await w.escrow.commitEscrow(tx, vsc.id, 1);
    });
  } finally {
    vsc.close();
  }
  w.ca.issued.length = 0;
  return { request: { ...request }, vscId: vsc.id };
}

/** Registers serials in a stock batch (the spec's transport keys); SERIAL by default. */
export async function inStock(w: PersonalisationWorld, serials: string[] = [SERIAL], name = 'spec-stock'): Promise<void> {
  await w.stock.seedBatch(name, serials, specTransportKey);
}

/**
 * Plays the card's proof of its transport key: the HSM's challenge (as POST …/stock/proofs makes
 * it) and the answer a card holding `key` gives. Returns what the worker sends with its claim.
 */
export async function cardProof(
  w: PersonalisationWorld,
  serial = SERIAL,
  opts: { workerId?: string; key?: Buffer; requestId?: string } = {},
): Promise<{ proofId: string; response: Buffer }> {
  const key = opts.key ?? specTransportKey(serial);
  const witness = Buffer.alloc(16, 0x5a);
  const run = new TestUnitOfWork(w.clock);
  return run.run(testActor(opts.workerId ?? WORKER, 'card-worker'), async (tx) => {
    const found = await w.stock.service.find(tx, serial, { enrolDevelopment: true });
    if (found instanceof Error) throw found;
    const r = await w.stock.service.challenge(tx, found, {
      requestId: opts.requestId ?? REQUEST,
      workerId: opts.workerId ?? WORKER,
      algorithm: 'aes192',
      encryptedWitness: cardEncrypt('aes192', key, witness),
    });
    return { proofId: r.proofId, response: cardEncrypt('aes192', key, r.challenge) };
  });
}

/** An escrowed request that `WORKER` claimed: bound to card `SERIAL` (personalising), attempt 1, the PUK sealed. */
export async function claimedRequest(
  w: PersonalisationWorld,
  opts: { state?: 'personalising' | 'verifying'; attempt?: Partial<Parameters<InMemoryPersonalisationRepository['seed']>[0]> } = {},
) {
  const { request, vscId } = await escrowedRequest(w);
  await inStock(w);
  const card = w.repos.cards.seed({
    id: '00000000-0000-4000-8000-00000000d001',
    serial: SERIAL,
    state: 'personalising',
    requestId: request.id,
    cardholderId: HOLDER,
    vscId,
    stockBatch: 'spec-stock',
  });
  await w.repos.requests.assign(undefined as never, request.id, { cardId: card.id, workerId: WORKER });
  const state = opts.state ?? 'personalising';
  w.repos.requests.rows.set(request.id, { ...w.repos.requests.rows.get(request.id)!, state });
  w.enrol(WORKER);
  w.repos.credentials.rows.set(card.id, {
    cardId: card.id,
    pukSealed: await w.secrets.sealPuk(Buffer.from('12345678'), card.id),
    pukKey: 'scm-puk/1',
    createdAt: w.clock.now(),
  });
  const attempt = w.repos.attempts.seed({
    requestId: request.id,
    cardId: card.id,
    workerId: WORKER,
    updatedAt: w.clock.now(),
    ...opts.attempt,
  });
  return { request: w.repos.requests.rows.get(request.id)!, card, vscId, attempt };
}

/** Leases the request to `workerId` for card `serial` in its first reader, as the lease route would. */
export async function leaseTo(w: PersonalisationWorld, workerId = WORKER, serial = SERIAL, requestId = REQUEST): Promise<void> {
  const workstation = (await w.repos.workers.get(workerId))?.workstation ?? 0;
  await w.repos.leases.put(undefined as never, {
    requestId,
    workerId,
    workstation,
    reader: 'Virtual PCD 00 00',
    serial,
    atr: ATR,
    leasedAt: w.clock.now(),
    expiresAt: new Date(w.clock.now().getTime() + w.cfg.SCM_CARD_LEASE_SECONDS * 1000),
  });
}
