import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ProofsInput, VerificationChallenge } from '@scm/personalisation';
import { profileSlots } from '../../issuance/profiles/card-profile';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { Claimed } from '../attempts/attempts.service';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../attempts/personalisation.repository';
import { CardCertificatesService } from '../card-certificates.service';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { keyManagementChallenge, proofMessage } from './proof';
import { proofProblems } from './proof-check';
export type { ProofsInput, VerificationChallenge } from '@scm/personalisation';

/**
 * The proof of the keys on a card, inside the caller's transaction: a challenge per slot of the
 * profile (a fresh nonce, kept on the attempt, and a key-management test of which only a hash is
 * kept), then the card's answers checked against the slots' valid certificates.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly certificates: CardCertificatesService,
    @Inject(PERSONALISATION_REPOSITORY) private readonly attempts: PersonalisationRepository,
  ) {}

  /** A fresh challenge for the claimed card; NotReady while a slot has no valid certificate. */
  async challenge(tx: Tx, c: Claimed): Promise<VerificationChallenge | PersonalisationError> {
    const certs = await this.certificates.validBySlot(tx, c.request.id);
    const nonce = randomBytes(32);
    const slots: VerificationChallenge['slots'] = [];
    for (const [slot, policy] of profileSlots(c.request.profile)) {
      const cert = certs.get(slot);
      if (!cert) return new PersonalisationError(PersonalisationErrorCode.NotReady, `slot ${slot} has no valid certificate yet`, { slot });
      slots.push({
        slot,
        algorithm: policy.algorithm,
        certificateSerial: cert.serial,
        message: proofMessage(c.request.id, c.card.id, slot, nonce).toString('base64'),
      });
    }
    const km = certs.get('9d');
    const test = km && c.request.profile.slots['9d'] ? keyManagementChallenge(km.der) : undefined;
    await this.attempts.update(tx, c.request.id, { proofNonce: nonce, decryptCheck: test?.check ?? null, updatedAt: tx.now });
    return {
      nonce: nonce.toString('base64'),
      slots,
      keyManagement: test ? { slot: '9d', kind: test.kind, input: test.input.toString('base64') } : null,
    };
  }

  /** What is wrong with the card's answers to the challenge the attempt holds (none: proved), and the slots proved. */
  async check(tx: Tx, c: Claimed, nonce: Uint8Array, input: ProofsInput): Promise<{ problems: string[]; slots: string[] }> {
    const certs = await this.certificates.validBySlot(tx, c.request.id);
    const problems = proofProblems(
      {
        requestId: c.request.id,
        cardId: c.card.id,
        profile: c.request.profile,
        nonce,
        certificates: new Map([...certs].map(([slot, cert]) => [slot, cert.der])),
        issuer: await this.certificates.issuingCertificate(tx),
        decryptCheck: c.attempt.decryptCheck,
      },
      input,
    );
    return { problems, slots: [...certs.keys()].sort() };
  }

  /** The challenge is spent: nothing of it stays on the attempt. */
  async close(tx: Tx, requestId: string): Promise<void> {
    await this.attempts.update(tx, requestId, { proofNonce: null, decryptCheck: null, updatedAt: tx.now });
  }
}
