import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import * as x509 from '@peculiar/x509';
import { CaError, CaErrorCode } from '@scm/ca';
import { onCardSlots, slotByte, type ProfileSlot } from '../../issuance/profiles/card-profile';
import { IssuanceError, IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { claimantDenial, issuanceClaimantProblem } from '../attempts/attempt-rules';
import { CardCertificatesService } from '../card-certificates.service';
import { CertifyOnCardKeyCommand, type OnCardCertificate } from './certify-on-card-key.command';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { StockCardsService } from '../../stock/stock-cards.service';
import { StockError } from '../../stock/stock-errors';
import { certifiesKey, normalisedSpki, spkiAlgorithm } from './on-card-key';

const ACTION = 'issuance-request.slot-certified';

/**
 * Certifies a key a card generated in an on-card slot, for the worker that claimed the card of a
 * request being personalised. The VSC gets a new sealed version with the slot's public key and
 * certificate (never a private key). Sending the same key again returns the same certificate; a
 * new key for the slot supersedes (revokes) the earlier certificate.
 */
@CommandHandler(CertifyOnCardKeyCommand)
export class CertifyOnCardKeyHandler implements ICommandHandler<CertifyOnCardKeyCommand, OnCardCertificate> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    @Inject(VSC_REPOSITORY) private readonly vscRows: VscRepository,
    private readonly vscs: VscEscrowService,
    private readonly certificates: CardCertificatesService,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    private readonly stockCards: StockCardsService,
  ) {}

  execute(c: CertifyOnCardKeyCommand): Promise<OnCardCertificate> {
    return this.uow.run(c.actor, async (tx) => {
      const row = await this.states.lock(tx, c.requestId);
      const problem = issuanceClaimantProblem(row, c.requestId, c.workerId);
      if (problem) return tx.deny(problem, claimantDenial(ACTION, c.requestId, c.workerId, problem));
      const r = row!;
      const slot = c.slot.toLowerCase() as ProfileSlot;
      const policy = onCardSlots(r.profile).find(([s]) => s === slot)?.[1];
      const wrong = (msg: string) =>
        tx.deny(new IssuanceError(IssuanceErrorCode.WrongSlot, msg, { requestId: r.id, slot }), {
          action: ACTION,
          targetType: 'issuance-request',
          targetId: r.id,
          details: { slot, reason: msg },
        });
      if (!policy) return wrong(`slot ${c.slot} is not generated on the card in profile ${r.profileId}`);
      const alg = spkiAlgorithm(c.publicKey);
      if (alg !== policy.algorithm) return wrong(`slot ${slot} takes a ${policy.algorithm} key, got ${alg ?? 'an unsupported key'}`);

      const spki = normalisedSpki(c.publicKey);
      // Trust the card: for stock that attests its keys, only a key the bound card attests is certified.
      const card = r.cardId ? await this.cards.get(r.cardId, tx) : undefined;
      if (!card?.serial) throw new IssuanceError(IssuanceErrorCode.NotFound, `request ${r.id} is bound to no card`);
      const attested = await this.stockCards.checkAttestation(tx, {
        serial: card.serial,
        spki,
        ...(c.attestation ? { attestation: c.attestation } : {}),
      });
      if (attested instanceof StockError)
        return tx.deny(attested, {
          action: ACTION,
          targetType: 'issuance-request',
          targetId: r.id,
          details: { slot, serial: card.serial },
        });
      const earlier = await this.certificates.unrevoked(tx, r.id, slot);
      const stored = await this.vscRows.ofRequest(r.id, tx);
      if (!stored) throw new IssuanceError(IssuanceErrorCode.NotFound, `request ${r.id} has no VSC`);
      const same = earlier.find((e) => certifiesKey(e.der, spki));
      if (same) {
        return {
          slot,
          serial: same.serial,
          certificate: same.der.toString('base64'),
          pem: x509.PemConverter.encode(same.der, 'CERTIFICATE'),
          vscVersion: stored.currentVersion,
        };
      }
      await this.certificates.revoke(tx, r.id, 'superseded', `slot ${slot} of request ${r.id} got a new on-card key`, [slot]);
      const notAfter = await this.certificates.expiry(tx, r);
      const vsc = await this.vscs.openForRecovery(stored.id, { escrowedOnly: true, tx });
      try {
        const [cert] = await this.certificates.issue(tx, r, vsc.id, [{ slot, template: policy.template, spki }], notAfter);
        vsc.putPublicKey(slotByte(slot), spki, { escrow: 'on-card' });
        vsc.putCertificate(cert.der, { slot: slotByte(slot) });
        await vsc.seal();
        const v = await this.vscs.storeNextVersion(tx, vsc, `certified on-card key ${slot}`);
        await this.vscs.commitEscrow(tx, vsc.id, v.version);
        if (attested)
          await this.stockCards.keepAttestation(tx, attested, {
            certificateSerial: cert.serial,
            requestId: r.id,
            cardSerial: card.serial,
            slot,
          });
        tx.audit({
          action: ACTION,
          targetType: 'issuance-request',
          targetId: r.id,
          outcome: 'success',
          details: {
            slot,
            serial: cert.serial,
            algorithm: alg,
            workerId: c.workerId,
            vscVersion: v.version,
            superseded: earlier.map((e) => e.serial),
            attested: !!attested,
          },
        });
        return { slot, serial: cert.serial, certificate: cert.der.toString('base64'), pem: cert.pem, vscVersion: v.version };
      } catch (e) {
        if (e instanceof CaError && e.code === CaErrorCode.InvalidRequest) return wrong(e.message);
        throw e;
      } finally {
        vsc.close();
      }
    });
  }
}
