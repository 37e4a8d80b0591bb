import { randomBytes, X509Certificate } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../../trust/auth/principal';
import { CaService } from '../../pki/ca.service';
import { CardError } from '../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { IssuanceError } from '../../issuance/requests/issuance-errors';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { profileSlots } from '../../issuance/profiles/card-profile';
import { AttemptsService } from '../attempts.service';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { keyManagementAnswerMatches, keyManagementChallenge, proofMessage, verifyProof } from './proof';
import type { VerificationChallenge, ProofsInput } from '@scm/personalisation';
export type { VerificationChallenge, ProofsInput } from '@scm/personalisation';

type CertRow = { serial: string; der: Buffer; slot: string };

/**
 * The last stage of an attempt: every key on the card proves itself. `begin` moves the request to
 * verifying and hands out a fresh nonce (and a key-management test); `prove` checks each signature
 * against the slot's certificate (which must chain to the issuing CA) and the test's answer; then
 * request and card become issued and the card job is done. A failed proof fails the request.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly attempts: AttemptsService,
    private readonly cards: CardLifecycleService,
    private readonly cas: CaService,
  ) {}

  private async certificates(tx: Tx, requestId: string): Promise<Map<string, CertRow>> {
    const rows = (await tx.em.query(
      `SELECT serial, der, reference->>'slot' AS slot FROM ca_certificate WHERE reference->>'requestId' = $1 AND status = 'valid' ORDER BY created_at`,
      [requestId],
    )) as CertRow[];
    return new Map(rows.filter((r) => r.slot).map((r) => [r.slot, r]));
  }

  begin(requestId: string, workerId: string, actor: Actor): Promise<VerificationChallenge> {
    return this.uow.run(actor, async (tx) => {
      const c = await this.attempts.claimed(tx, requestId, workerId, 'personalisation.verification');
      if (c instanceof PersonalisationError) return tx.refuse(c);
      let row = c.row;
      if (row.state === 'personalising') {
        const r = await this.states.transition(tx, row, 'verifying', {
          details: { cardId: c.card.id, serial: c.card.serial, attempt: c.attempt.attempt },
        });
        if (r instanceof IssuanceError) throw r;
        row = r;
      }
      const certs = await this.certificates(tx, requestId);
      const nonce = randomBytes(32);
      const slots: VerificationChallenge['slots'] = [];
      for (const [slot, policy] of profileSlots(row.profile)) {
        const cert = certs.get(slot);
        if (!cert)
          return tx.refuse(
            new PersonalisationError(PersonalisationErrorCode.NotReady, `slot ${slot} has no valid certificate yet`, { slot }),
          );
        slots.push({
          slot,
          algorithm: policy.algorithm,
          certificateSerial: cert.serial,
          message: proofMessage(requestId, c.card.id, slot, nonce).toString('base64'),
        });
      }
      const km = certs.get('9d');
      const test = km && row.profile.slots['9d'] ? keyManagementChallenge(km.der) : undefined;
      await tx.em.query(`UPDATE personalisation SET proof_nonce = $2, decrypt_check = $3, updated_at = $4 WHERE request_id = $1`, [
        requestId,
        nonce,
        test?.check ?? null,
        tx.now,
      ]);
      return {
        nonce: nonce.toString('base64'),
        slots,
        keyManagement: test ? { slot: '9d', kind: test.kind, input: test.input.toString('base64') } : null,
      };
    });
  }

  prove(
    requestId: string,
    workerId: string,
    input: ProofsInput,
    actor: Actor,
  ): Promise<{ state: 'issued'; cardId: string; serial: string }> {
    return this.uow.run(actor, async (tx) => {
      const c = await this.attempts.claimed(tx, requestId, workerId, 'personalisation.proofs', ['verifying']);
      if (c instanceof PersonalisationError) return tx.refuse(c);
      const nonce = c.attempt.proof_nonce;
      if (!nonce) return tx.refuse(new PersonalisationError(PersonalisationErrorCode.NotReady, 'begin the verification first'));
      const certs = await this.certificates(tx, requestId);
      const issuer = await this.issuingCaCertificate();
      const problems: string[] = [];
      for (const [slot] of profileSlots(c.row.profile)) {
        const cert = certs.get(slot);
        const sig = input.signatures.find((s) => s.slot.toLowerCase() === slot);
        if (!cert) problems.push(`slot ${slot}: no valid certificate`);
        else if (issuer && !new X509Certificate(cert.der).verify(issuer.publicKey))
          problems.push(`slot ${slot}: certificate not issued by the issuing CA`);
        else if (!sig) problems.push(`slot ${slot}: no proof`);
        else if (!verifyProof(cert.der, proofMessage(requestId, c.card.id, slot, nonce), Buffer.from(sig.signature, 'base64'))) {
          problems.push(`slot ${slot}: the card's signature does not verify against its certificate`);
        }
      }
      if (c.attempt.decrypt_check) {
        const a = input.keyManagement?.answer;
        if (!a || !keyManagementAnswerMatches(Buffer.from(a, 'base64'), c.attempt.decrypt_check)) {
          problems.push('slot 9d: the card did not pass the key-management (decryption) test');
        }
      }
      if (problems.length) {
        const reason = `verification failed: ${problems.join('; ')}`;
        await this.attempts.recordStep(
          tx,
          { requestId, batchId: c.row.batchId, cardId: c.card.id, workerId, attempt: c.attempt.attempt, serial: c.card.serial },
          'issued',
          'failed',
          { reason: reason.slice(0, 200) },
        );
        await this.attempts.fail(tx, c.row, reason, { cardId: c.card.id });
        return tx.refuse(new PersonalisationError(PersonalisationErrorCode.ProofFailed, reason, { problems }));
      }
      const r = await this.states.transition(tx, c.row, 'issued', {
        details: { cardId: c.card.id, serial: c.card.serial, workerId, attempt: c.attempt.attempt, proved: [...certs.keys()].sort() },
      });
      if (r instanceof IssuanceError) throw r;
      const card = await this.cards.transition(tx, c.card.id, 'issued', { requestId, serial: c.card.serial });
      if (card instanceof CardError) throw card;
      await tx.em.query(`UPDATE personalisation SET proof_nonce = NULL, decrypt_check = NULL, updated_at = $2 WHERE request_id = $1`, [
        requestId,
        tx.now,
      ]);
      await this.attempts.recordStep(
        tx,
        { requestId, batchId: c.row.batchId, cardId: c.card.id, workerId, attempt: c.attempt.attempt, serial: c.card.serial },
        'issued',
        'done',
      );
      await this.attempts.markJobDone(tx, requestId);
      return { state: 'issued', cardId: c.card.id, serial: c.card.serial ?? '' };
    });
  }

  private async issuingCaCertificate(): Promise<X509Certificate | undefined> {
    const der = await this.cas.issuingCertificate();
    return der ? new X509Certificate(der) : undefined;
  }
}
