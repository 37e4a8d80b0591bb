import { X509Certificate } from 'node:crypto';
import type { ProofsInput } from '@scm/personalisation';
import { profileSlots, type CardProfileDefinition } from '../../issuance/profiles/card-profile';
import { keyManagementAnswerMatches, proofMessage, verifyProof } from './proof';

/** What the card's proofs are checked against. */
export interface ProofContext {
  requestId: string;
  cardId: string;
  profile: CardProfileDefinition;
  /** The nonce handed out when the verification began. */
  nonce: Uint8Array;
  /** The valid certificate (DER) of each slot. */
  certificates: ReadonlyMap<string, Uint8Array>;
  /** The issuing CA's certificate: every slot's certificate must be signed by it (when known). */
  issuer?: X509Certificate;
  /** The SHA-256 of the key-management test's answer, when a test was set. */
  decryptCheck: Uint8Array | null;
}

/**
 * What is wrong with a card's proofs, one line per problem (none: every key on the card is the
 * one its certificate names): each slot of the profile needs a certificate from the issuing CA and
 * a signature over its proof message that verifies with it; the key-management test needs its answer.
 */
export function proofProblems(ctx: ProofContext, input: ProofsInput): string[] {
  const problems: string[] = [];
  for (const [slot] of profileSlots(ctx.profile)) {
    const cert = ctx.certificates.get(slot);
    const sig = input.signatures.find((s) => s.slot.toLowerCase() === slot);
    if (!cert) problems.push(`slot ${slot}: no valid certificate`);
    else if (ctx.issuer && !new X509Certificate(Buffer.from(cert)).verify(ctx.issuer.publicKey))
      problems.push(`slot ${slot}: certificate not issued by the issuing CA`);
    else if (!sig) problems.push(`slot ${slot}: no proof`);
    else if (!verifyProof(cert, proofMessage(ctx.requestId, ctx.cardId, slot, ctx.nonce), Buffer.from(sig.signature, 'base64'))) {
      problems.push(`slot ${slot}: the card's signature does not verify against its certificate`);
    }
  }
  if (ctx.decryptCheck) {
    const a = input.keyManagement?.answer;
    if (!a || !keyManagementAnswerMatches(Buffer.from(a, 'base64'), ctx.decryptCheck)) {
      problems.push('slot 9d: the card did not pass the key-management (decryption) test');
    }
  }
  return problems;
}
