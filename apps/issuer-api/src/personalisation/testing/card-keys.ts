import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { ProofsInput, VerificationChallenge } from '@scm/personalisation';
import { type ProfileSlot, slotByte } from '../../issuance/profiles/card-profile';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import type { PersonalisationWorld } from './personalisation-world';

/** The private keys a personalised card holds, by slot. */
export type CardKeys = Map<string, KeyObject>;

/** What the card generates for an on-card slot: a P-256 key, certified for the request (returns its private key). */
export async function certifyOnCard(w: PersonalisationWorld, vscId: string, slot: ProfileSlot): Promise<KeyObject> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const request = w.repos.requests.rows.get(w.repos.vscs.vscs.get(vscId)!.requestId!)!;
  const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
  await new TestUnitOfWork(w.clock).run(testActor(), (tx) =>
    w.certificates.issue(tx, request, vscId, [{ slot, template: 'piv-authentication', spki }], new Date('2027-12-01T00:00:00Z')),
  );
  w.ca.issued.length = 0;
  return pair.privateKey;
}

/** The keys the card imported from the escrowed VSC, by slot. */
export async function importedKeys(w: PersonalisationWorld, vscId: string, slots: readonly ProfileSlot[]): Promise<CardKeys> {
  const vsc = await w.escrow.openForRecovery(vscId, { escrowedOnly: true });
  try {
    return new Map(slots.map((slot) => [slot, vsc.exportPrivateKeyForIssuance(slotByte(slot), { requestId: 'spec' })]));
  } finally {
    vsc.close();
  }
}

/** What a card holding `keys` answers to a verification challenge. */
export function prove(ch: VerificationChallenge, keys: CardKeys): ProofsInput {
  const km = ch.keyManagement;
  return {
    signatures: ch.slots.map((s) => ({
      slot: s.slot,
      signature: sign('sha256', Buffer.from(s.message, 'base64'), { key: keys.get(s.slot)!, dsaEncoding: 'der' }).toString('base64'),
    })),
    ...(km
      ? {
          keyManagement: {
            slot: km.slot,
            answer: diffieHellman({
              privateKey: keys.get(km.slot)!,
              publicKey: createPublicKey({ key: Buffer.from(km.input, 'base64'), format: 'der', type: 'spki' }),
            }).toString('base64'),
          },
        }
      : {}),
  };
}
