import { constants, verify, X509Certificate } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { certifiesKey, normalisedSpki } from '../../personalisation/certify-on-card-key/on-card-key';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '../../pki/certificate.repository';
import { CertificateStatusService } from '../../pki/certificate-status.service';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateError, CardUpdateErrorCode } from '../card-update-errors';
import type { PreparedUpdate } from '../card-update-preparation.service';
import { proofMessage, pukProofProblem } from '../card-update-rules';
import { cardUpdateView, type CardUpdateView } from '../card-update-view';
import { runnerDenial, runningOn } from '../running-update';
import { CompleteCardUpdateCommand } from './complete-card-update.command';

const ACTION = 'card-update.proofs';

/**
 * Checks the card's proofs — a signature over the update's nonce message for a slot usable without
 * a PIN (9E), the public key GET METADATA reports for the others — against the certificates the
 * update issued (or, for a retired slot, the certificate that moved with its key). When they hold,
 * in one transaction: the certificates the new ones replace are revoked (superseded, listed on the
 * next CRL), the update is done and the card's history says so. When they do not, the update fails.
 */
@CommandHandler(CompleteCardUpdateCommand)
export class CompleteCardUpdateHandler implements ICommandHandler<CompleteCardUpdateCommand, CardUpdateView> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(CERTIFICATE_REPOSITORY) private readonly issued: CertificateRepository,
    private readonly statuses: CertificateStatusService,
  ) {}

  execute(c: CompleteCardUpdateCommand): Promise<CardUpdateView> {
    return this.uow.run(c.actor, async (tx) => {
      const r = await runningOn(tx, { updates: this.updates, cards: this.cards }, c.updateId, c.workerId);
      if (r instanceof CardUpdateError) return tx.deny(r, runnerDenial(ACTION, c.updateId, c.workerId));
      const { u, card } = r;
      const prepared = u.prepared as unknown as PreparedUpdate;
      const problems: string[] = [];
      if (u.kind === 'rotate-puk') {
        const p = pukProofProblem(c.proofs.puk);
        if (p) problems.push(`PUK: ${p}`);
        else if (!u.pukSealed || !u.pukKey) problems.push('PUK: the update holds no new PUK');
      }
      for (const p of prepared.proofs) {
        const [cert] = await this.issued.find({ serial: p.certificateSerial }, tx);
        if (!cert) {
          problems.push(`slot ${p.slot}: no certificate ${p.certificateSerial || '(not certified)'}`);
          continue;
        }
        if (p.slot === '9e') {
          const sig = c.proofs.signatures.find((s) => s.slot === p.slot);
          const key = new X509Certificate(cert.der).publicKey;
          const ok =
            !!sig &&
            verify(
              'sha256',
              proofMessage(u.id, p.slot, u.proofNonce ?? Buffer.alloc(0)),
              key.asymmetricKeyType === 'rsa' ? { key, padding: constants.RSA_PKCS1_PADDING } : { key, dsaEncoding: 'der' },
              Buffer.from(sig.signature, 'base64'),
            );
          if (!ok) problems.push(`slot ${p.slot}: no signature that verifies against certificate ${cert.serial}`);
        } else {
          const k = c.proofs.keys.find((s) => s.slot === p.slot);
          let ok = false;
          try {
            ok = !!k && certifiesKey(cert.der, normalisedSpki(Buffer.from(k.publicKey, 'base64')));
          } catch {
            ok = false;
          }
          if (!ok) problems.push(`slot ${p.slot}: the card's key is not the key of certificate ${cert.serial}`);
        }
      }
      // The card answered 9000 to CHANGE REFERENCE DATA to the new PUK: it holds it now, whatever else
      // it reports, so the new PUK becomes the card's PUK (sealed, as before) in this transaction.
      const pukRotated = u.kind === 'rotate-puk' && !!c.proofs.puk?.changed && !!u.pukSealed && !!u.pukKey;
      if (pukRotated) await this.updates.replaceCardPuk(tx, card.id, u.pukSealed!, u.pukKey!);
      if (problems.length) {
        await this.updates.patch(tx, u.id, {
          state: 'failed',
          failure: problems.join('; ').slice(0, 500),
          finishedAt: tx.now,
          ...(pukRotated ? { pukSealed: null, pukKey: null } : {}),
        });
        tx.audit({
          action: 'card-update.failed',
          targetType: 'card-update',
          targetId: u.id,
          outcome: 'failure',
          details: { cardId: card.id, serial: card.serial, problems, ...(pukRotated ? { pukRotated } : {}) },
        });
        return tx.refuse(
          new CardUpdateError(CardUpdateErrorCode.ProofFailed, `the card did not prove its keys: ${problems.join('; ')}`, { problems }),
        );
      }
      const superseded: string[] = [];
      for (const serial of prepared.supersedes) {
        const [old] = await this.issued.find({ serial, statuses: ['valid', 'on-hold'] }, tx);
        if (!old) continue;
        await this.statuses.apply(tx, serial, { action: 'revoke', reason: 'superseded' }, `card ${card.id} updated (${u.id})`);
        superseded.push(serial);
      }
      await this.updates.patch(tx, u.id, {
        state: 'done',
        finishedAt: tx.now,
        proofNonce: null,
        ...(pukRotated ? { pukSealed: null, pukKey: null } : {}),
      });
      await this.cards.addHistory(tx, {
        cardId: card.id,
        from: card.state,
        to: card.state,
        actor: tx.actor.actor,
        details: {
          update: u.id,
          kind: u.kind,
          vscVersion: u.vscVersion,
          issued: prepared.issued,
          superseded,
          ...(pukRotated ? { pukRotated } : {}),
        },
      });
      tx.audit({
        action: 'card-update.done',
        targetType: 'card-update',
        targetId: u.id,
        outcome: 'success',
        details: {
          cardId: card.id,
          serial: card.serial,
          kind: u.kind,
          slot: u.slot,
          vscVersion: u.vscVersion,
          issued: prepared.issued,
          superseded,
          ...(prepared.retired ? { retired: prepared.retired } : {}),
          ...(pukRotated ? { pukRotated, pukReport: c.proofs.puk } : {}),
          workerId: c.workerId,
        },
      });
      return cardUpdateView({ ...u, state: 'done', finishedAt: tx.now });
    });
  }
}
