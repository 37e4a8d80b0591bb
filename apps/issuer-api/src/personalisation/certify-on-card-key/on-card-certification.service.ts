import { Inject, Injectable } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import { CaError, CaErrorCode } from '@scm/ca';
import { onCardSlots, slotByte, type ProfileSlot, type SlotPolicy } from '../../issuance/profiles/card-profile';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { IssuanceError, IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import type { Refusal, Tx } from '../../platform/infra/unit-of-work';
import type { OnCardAttestationInput } from '../../stock/attestation-rules';
import { StockCardsService } from '../../stock/stock-cards.service';
import { StockError } from '../../stock/stock-errors';
import { claimantDenial, issuanceClaimantProblem } from '../attempts/attempt-rules';
import { CardCertificatesService } from '../card-certificates.service';
import type { OnCardCertificate } from './certify-on-card-key.command';
import { certifiesKey, normalisedSpki, spkiAlgorithm } from './on-card-key';

const ACTION = 'issuance-request.slot-certified';

/** A public key a card generated in an on-card slot, as the claiming worker sends it. */
export interface OnCardKeyInput {
  slot: string;
  /** SubjectPublicKeyInfo, DER. */
  publicKey: Buffer;
  /** The card's PIV attestation of the key (needed for stock that attests its keys). */
  attestation?: OnCardAttestationInput;
}

/**
 * Certifies the keys a card generated in its on-card slots, for the worker that claimed the card
 * of a request being personalised, in the caller's transaction. Every key is checked first (slot,
 * algorithm, attestation): one refused key refuses them all, audited. The VSC then gets one new
 * sealed version with the new public keys and certificates (never a private key), however many
 * slots: one recovery-path open and one seal for a card's keys, not one per slot. A key sent again
 * gets its certificate again; a new key for a slot supersedes (revokes) the slot's earlier
 * certificate. Each certified slot is audited.
 */
@Injectable()
export class OnCardCertification {
  constructor(
    private readonly states: RequestStateMachine,
    @Inject(VSC_REPOSITORY) private readonly vscRows: VscRepository,
    private readonly vscs: VscEscrowService,
    private readonly certificates: CardCertificatesService,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    private readonly stockCards: StockCardsService,
  ) {}

  async certify(tx: Tx, requestId: string, workerId: string, keys: readonly OnCardKeyInput[]): Promise<OnCardCertificate[] | Refusal> {
    const row = await this.states.lock(tx, requestId);
    const problem = issuanceClaimantProblem(row, requestId, workerId);
    if (problem) return tx.deny(problem, claimantDenial(ACTION, requestId, workerId, problem));
    const r = row!;
    const wrong = (slot: string, msg: string) =>
      tx.deny(new IssuanceError(IssuanceErrorCode.WrongSlot, msg, { requestId: r.id, slot }), {
        action: ACTION,
        targetType: 'issuance-request',
        targetId: r.id,
        details: { slot, reason: msg },
      });
    const card = r.cardId ? await this.cards.get(r.cardId, tx) : undefined;
    if (!card?.serial) throw new IssuanceError(IssuanceErrorCode.NotFound, `request ${r.id} is bound to no card`);

    // 1. Every key is checked before anything is issued.
    const seen = new Set<string>();
    const checked: Array<{
      slot: ProfileSlot;
      policy: SlotPolicy;
      alg: string;
      spki: Buffer;
      attested: Exclude<Awaited<ReturnType<StockCardsService['checkAttestation']>>, StockError>;
    }> = [];
    for (const k of keys) {
      const slot = k.slot.toLowerCase() as ProfileSlot;
      if (seen.has(slot)) return wrong(slot, `slot ${slot} is sent twice`);
      seen.add(slot);
      const policy = onCardSlots(r.profile).find(([s]) => s === slot)?.[1];
      if (!policy) return wrong(slot, `slot ${k.slot} is not generated on the card in profile ${r.profileId}`);
      const alg = spkiAlgorithm(k.publicKey);
      if (alg !== policy.algorithm) return wrong(slot, `slot ${slot} takes a ${policy.algorithm} key, got ${alg ?? 'an unsupported key'}`);
      const spki = normalisedSpki(k.publicKey);
      // Trust the card: for stock that attests its keys, only a key the bound card attests is certified.
      const attested = await this.stockCards.checkAttestation(tx, {
        serial: card.serial,
        spki,
        ...(k.attestation ? { attestation: k.attestation } : {}),
      });
      if (attested instanceof StockError)
        return tx.deny(attested, {
          action: ACTION,
          targetType: 'issuance-request',
          targetId: r.id,
          details: { slot, serial: card.serial },
        });
      checked.push({ slot, policy, alg, spki, attested });
    }

    const stored = await this.vscRows.ofRequest(r.id, tx);
    if (!stored) throw new IssuanceError(IssuanceErrorCode.NotFound, `request ${r.id} has no VSC`);
    // 2. A key certified before (a resumed attempt sending it again) gets the same certificate.
    const out = new Map<string, OnCardCertificate>();
    const fresh: Array<(typeof checked)[number] & { superseded: string[] }> = [];
    for (const c of checked) {
      const earlier = await this.certificates.unrevoked(tx, r.id, c.slot);
      const same = earlier.find((e) => certifiesKey(e.der, c.spki));
      if (same)
        out.set(c.slot, {
          slot: c.slot,
          serial: same.serial,
          certificate: same.der.toString('base64'),
          pem: x509.PemConverter.encode(same.der, 'CERTIFICATE'),
          vscVersion: stored.currentVersion,
        });
      else fresh.push({ ...c, superseded: earlier.map((e) => e.serial) });
    }
    if (fresh.length === 0) return keys.map((k) => out.get(k.slot.toLowerCase())!);

    // 3. The new keys: earlier certificates of their slots revoked, all certified, one VSC version.
    await this.certificates.revoke(
      tx,
      r.id,
      'superseded',
      `slots ${fresh.map((f) => f.slot).join(', ')} of request ${r.id} got new on-card keys`,
      fresh.map((f) => f.slot),
    );
    const notAfter = await this.certificates.expiry(tx, r);
    const vsc = await this.vscs.openForRecovery(stored.id, { escrowedOnly: true, tx });
    try {
      let certs;
      try {
        certs = await this.certificates.issue(
          tx,
          r,
          vsc.id,
          fresh.map((f) => ({ slot: f.slot, template: f.policy.template, spki: f.spki })),
          notAfter,
        );
      } catch (e) {
        if (e instanceof CaError && e.code === CaErrorCode.InvalidRequest) return wrong(fresh.map((f) => f.slot).join(','), e.message);
        throw e;
      }
      fresh.forEach((f, i) => {
        vsc.putPublicKey(slotByte(f.slot), f.spki, { escrow: 'on-card' });
        vsc.putCertificate(certs[i]!.der, { slot: slotByte(f.slot) });
      });
      await vsc.seal();
      const v = await this.vscs.storeNextVersion(
        tx,
        vsc,
        `certified on-card key${fresh.length > 1 ? 's' : ''} ${fresh.map((f) => f.slot).join(', ')}`,
      );
      await this.vscs.commitEscrow(tx, vsc.id, v.version);
      for (const [i, f] of fresh.entries()) {
        const cert = certs[i]!;
        if (f.attested)
          await this.stockCards.keepAttestation(tx, f.attested, {
            certificateSerial: cert.serial,
            requestId: r.id,
            cardSerial: card.serial,
            slot: f.slot,
          });
        tx.audit({
          action: ACTION,
          targetType: 'issuance-request',
          targetId: r.id,
          outcome: 'success',
          details: {
            slot: f.slot,
            serial: cert.serial,
            algorithm: f.alg,
            workerId,
            vscVersion: v.version,
            superseded: f.superseded,
            attested: !!f.attested,
          },
        });
        out.set(f.slot, {
          slot: f.slot,
          serial: cert.serial,
          certificate: cert.der.toString('base64'),
          pem: cert.pem,
          vscVersion: v.version,
        });
      }
    } finally {
      vsc.close();
    }
    return keys.map((k) => out.get(k.slot.toLowerCase())!);
  }
}
