import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type Cryptograms,
  isManagementKeyAlgorithm,
  type ManagementKeyAlgorithmName,
  sha256,
  type TransportKeySource,
} from '@scm/card-secrets';
import { API_CONFIG, type ApiConfig } from '../platform/config/api-config';
import type { Tx, TxScope } from '../platform/infra/unit-of-work';
import { attestationProblem, type OnCardAttestationInput } from './attestation-rules';
import { StockError, StockErrorCode as E } from './stock-errors';
import { DEVELOPMENT_ALGORITHMS, DEVELOPMENT_BATCH, PROOF_TTL_MS } from './stock-rules';
import { STOCK_REPOSITORY, type StockBatch, type StockCard, type StockRepository } from './stock.repository';
import { TRANSPORT_KEYS, type TransportKeys } from './transport-keys.service';

/** A stock card with its batch. */
export interface InStock {
  card: StockCard;
  batch: StockBatch;
}

/** What a claim presents: the id of the HSM's challenge and the card's answer to it. */
export interface CardProofAnswer {
  proofId: string;
  response: Buffer;
}

/**
 * Card stock as personalisation uses it, inside the caller's transaction: which batch a serial
 * belongs to (the development batch takes unknown serials only with SCM_DEV_STOCK=1), the HSM's
 * challenge of the card's transport key, and the check of the card's answer before binding.
 */
@Injectable()
export class StockCardsService {
  constructor(
    @Inject(STOCK_REPOSITORY) private readonly stock: StockRepository,
    @Inject(TRANSPORT_KEYS) private readonly keys: TransportKeys,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_DEV_STOCK'>,
  ) {}

  get developmentStock(): boolean {
    return this.cfg.SCM_DEV_STOCK;
  }

  /** The stock card of this serial, or why it may not be personalised. `enrolDevelopment` adds an unknown serial to the development batch. */
  async find(tx: Tx, serial: string, opts: { enrolDevelopment?: boolean } = {}): Promise<InStock | StockError> {
    let card = await this.stock.card(serial, tx);
    if (!card && opts.enrolDevelopment && this.developmentStock) card = await this.enrolDevelopment(tx, serial);
    if (!card)
      return new StockError(E.NotInStock, `card ${serial} is in no registered stock batch; register its batch with "scm stock import"`, {
        serial,
      });
    const batch = (await this.stock.batch(card.batchId, tx))!;
    if (batch.kind === 'development' && !this.developmentStock)
      return new StockError(
        E.DevelopmentStockDisabled,
        `card ${serial} is factory-default development stock, refused outside development mode (SCM_DEV_STOCK)`,
        { serial },
      );
    if (card.destroyedAt) return new StockError(E.CardUnavailable, `card ${serial} was destroyed`, { serial });
    return { card, batch };
  }

  /** The development batch, created (audited) on first use; only in development mode. */
  async developmentBatch(tx: Tx): Promise<{ batch: StockBatch; created: boolean }> {
    const existing = await this.stock.developmentBatch(tx);
    if (existing) return { batch: existing, created: false };
    const batch: StockBatch = {
      id: randomUUID(),
      name: DEVELOPMENT_BATCH,
      kind: 'development',
      vendor: 'factory default (well-known key)',
      transportAlgorithm: '3des',
      wrappingKey: 'well-known',
      attestationRoot: null,
      manifestSha256: null,
      cardCount: 0,
      importedBy: tx.actor.actor,
      importedAt: tx.now,
    };
    await this.stock.insertBatch(tx, batch, []);
    tx.audit({
      action: 'stock.batch-imported',
      targetType: 'stock-batch',
      targetId: batch.id,
      outcome: 'success',
      details: { name: batch.name, kind: 'development', cards: 0 },
    });
    return { batch, created: true };
  }

  private async enrolDevelopment(tx: Tx, serial: string): Promise<StockCard> {
    const { batch } = await this.developmentBatch(tx);
    const card: StockCard = {
      serial,
      batchId: batch.id,
      transportKeyWrapped: null,
      destroyedAt: null,
      destroyedBy: null,
      createdAt: tx.now,
    };
    await this.stock.addCard(tx, card);
    await this.stock.setBatchCount(tx, batch.id, batch.cardCount + 1);
    tx.audit({
      action: 'stock.card-added',
      targetType: 'stock-card',
      targetId: serial,
      outcome: 'success',
      details: { batch: batch.name },
    });
    return card;
  }

  /** The transport-key algorithms the card's batch allows. */
  algorithms(s: InStock): readonly ManagementKeyAlgorithmName[] {
    if (s.batch.kind === 'development') return DEVELOPMENT_ALGORITHMS;
    const a = s.batch.transportAlgorithm;
    return isManagementKeyAlgorithm(a) ? [a] : [];
  }

  /** The algorithm of the card's transport key: its batch's, or for development stock the one its accepted proof used. */
  async transportAlgorithm(tx: TxScope, s: InStock): Promise<string> {
    if (s.batch.kind !== 'development') return s.batch.transportAlgorithm;
    return (await this.stock.provenAlgorithm(s.card.serial, tx)) ?? s.batch.transportAlgorithm;
  }

  private source(s: InStock): TransportKeySource {
    if (s.batch.kind === 'development') return { wellKnown: true };
    if (!s.card.transportKeyWrapped) throw new StockError(E.CardUnavailable, `card ${s.card.serial} has no transport key`);
    return { wrapped: s.card.transportKeyWrapped };
  }

  /** The HSM's cryptograms for the card's transport key (a card already bound, resuming). */
  cryptograms(s: InStock, algorithm: ManagementKeyAlgorithmName, encryptedWitness: Uint8Array): Promise<Cryptograms> {
    return this.keys.respond(this.source(s), algorithm, encryptedWitness);
  }

  /** Starts a proof: the HSM answers the card's witness and keeps (hashed) what the card must answer; returns the proof id. */
  async challenge(
    tx: Tx,
    s: InStock,
    c: { requestId: string; workerId: string; algorithm: ManagementKeyAlgorithmName; encryptedWitness: Uint8Array },
  ): Promise<{ proofId: string; witness: Buffer; challenge: Buffer; expiresAt: Date }> {
    const r = await this.cryptograms(s, c.algorithm, c.encryptedWitness);
    const { proofId, expiresAt } = await this.recordProof(tx, { serial: s.card.serial, ...c, expected: r.expected });
    return { proofId, witness: r.witness, challenge: r.challenge, expiresAt };
  }

  /**
   * Keeps what a card must answer to a challenge of one of its keys (only its SHA-256, one use,
   * PROOF_TTL_MS) for the claim of this serial, request and worker; wipes `expected`.
   */
  async recordProof(
    tx: Tx,
    c: { serial: string; requestId: string; workerId: string; algorithm: string; expected: Buffer },
  ): Promise<{ proofId: string; expiresAt: Date }> {
    const proofId = randomUUID();
    const expiresAt = new Date(tx.now.getTime() + PROOF_TTL_MS);
    await this.stock.insertProof(tx, {
      id: proofId,
      serial: c.serial,
      requestId: c.requestId,
      workerId: c.workerId,
      algorithm: c.algorithm,
      expectedSha256: sha256(c.expected),
      createdAt: tx.now,
      expiresAt,
      usedAt: null,
    });
    c.expected.fill(0);
    return { proofId, expiresAt };
  }

  /**
   * For a key the card generated: when the card's stock attests its keys (a vendor root is
   * registered), the attestation must chain to that root, name this card's serial and the submitted
   * key. Returns the attestation to keep with the certificate, undefined when the stock gives none,
   * or why it is refused.
   */
  async checkAttestation(
    tx: Tx,
    c: { serial: string; spki: Buffer; attestation?: OnCardAttestationInput },
  ): Promise<OnCardAttestationInput | undefined | StockError> {
    // Stock is enforced where a card is bound; a card bound without a stock row (bound before stock
    // was registered) has no vendor root to check against.
    const found = await this.find(tx, c.serial);
    if (found instanceof StockError) return found.code === E.NotInStock ? undefined : found;
    if (!found.batch.attestationRoot) return undefined;
    const problem = attestationProblem(c.attestation, { root: found.batch.attestationRoot, serial: c.serial, spki: c.spki, now: tx.now });
    if (problem) return new StockError(E.AttestationRefused, `card ${c.serial}: ${problem}`, { serial: c.serial, batch: found.batch.name });
    return c.attestation;
  }

  /** Keeps an on-card key's attestation beside its certificate. */
  async keepAttestation(
    tx: Tx,
    a: OnCardAttestationInput,
    c: { certificateSerial: string; requestId: string; cardSerial: string; slot: string },
  ): Promise<void> {
    await this.stock.insertAttestation(tx, {
      certificateSerial: c.certificateSerial,
      requestId: c.requestId,
      cardSerial: c.cardSerial,
      slot: c.slot,
      attestation: a.certificate,
      intermediate: a.intermediate,
      createdAt: tx.now,
    });
  }

  /** Checks (and uses up) the card's answer to a proof of this serial, request and worker; a StockError says why not. */
  async checkProof(
    tx: TxScope,
    answer: CardProofAnswer | undefined,
    c: { serial: string; requestId: string; workerId: string; now: Date },
  ): Promise<StockError | undefined> {
    const fail = (why: string) =>
      new StockError(E.ProofFailed, `card ${c.serial} did not prove its transport key: ${why}`, { serial: c.serial, why });
    if (!answer) return fail('the claim carries no proof');
    const p = await this.stock.lockProof(tx, answer.proofId);
    if (!p || p.serial !== c.serial || p.requestId !== c.requestId || p.workerId !== c.workerId)
      return fail('no such challenge for this card, request and worker');
    if (p.usedAt) return fail('the challenge was answered already');
    if (p.expiresAt.getTime() <= c.now.getTime()) return fail('the challenge expired');
    await this.stock.useProof(tx, p.id);
    const got = sha256(answer.response);
    if (!timingSafeEqual(got, p.expectedSha256)) return fail("the card's answer does not match its transport key");
    return undefined;
  }
}
