import type { CardState, CardUpdateKind, CardUpdateState } from '@scm/db';

/*
 * The pure rules of card updates: which cards take them, which objects an officer may put, where
 * a rotated key-management key goes, and what the expiry sweep does with a card near its end.
 */

/** Cards an update may be queued for and run on. */
export const UPDATABLE_CARD_STATES: readonly CardState[] = ['issued', 'active'];
export const OPEN_UPDATE_STATES: readonly CardUpdateState[] = ['awaiting-approval', 'pending', 'running'];
export const isUpdatable = (state: string): boolean => (UPDATABLE_CARD_STATES as readonly string[]).includes(state);

/** Retired key-management slots 82–95. */
export const RETIRED_SLOT_FIRST = 0x82;
export const RETIRED_SLOT_LAST = 0x95;

/**
 * The retired slot a key-management key moves to: the lowest free one, so the slots in use stay
 * 82, 83, … as Key History's count announces them (OpenSC reads that many from 82 on); undefined when all 20 are taken.
 */
export function nextRetiredSlot(used: readonly number[]): number | undefined {
  for (let s = RETIRED_SLOT_FIRST; s <= RETIRED_SLOT_LAST; s++) if (!used.includes(s)) return s;
  return undefined;
}

/**
 * Data objects SCM keeps itself (identity objects, certificate containers, Key History) cannot be
 * put by an officer: they follow from the VSC. Printed information, facial image, fingerprints,
 * iris and the vendor objects 5FFF02–5FFF15 (a YubiKey's range, but its admin data and attestation certificate) can.
 */
const PUTTABLE = new Set([0x5fc103, 0x5fc108, 0x5fc109, 0x5fc121]);
export function objectProblem(tag: number, value: Uint8Array): string | undefined {
  const vendor = tag >= 0x5fff02 && tag <= 0x5fff15;
  if (!PUTTABLE.has(tag) && !vendor)
    return `object ${tag.toString(16)} is not one an officer may put (printed information 5fc109, facial 5fc108, fingerprints 5fc103, iris 5fc121, or vendor objects 5fff02–5fff15)`;
  if (value.length === 0) return 'the object is empty';
  if (value.length > 3052) return `the object has ${value.length} bytes; a PIV card holds at most 3052 in one object`;
  return undefined;
}

/** What a kind of update needs besides the card. */
export function updateProblem(kind: CardUpdateKind, p: { slot?: string; tag?: number; value?: Uint8Array }): string | undefined {
  switch (kind) {
    case 'renew':
      return p.slot || p.tag !== undefined ? 'a renewal takes no slot or object' : undefined;
    case 'rekey':
      return p.slot && ['9a', '9c', '9d', '9e'].includes(p.slot) ? undefined : 'a rekey names a slot: 9a, 9c, 9d or 9e';
    case 'put-object':
      if (p.tag === undefined || !p.value) return 'put-object needs an object tag and a value';
      return objectProblem(p.tag, p.value);
    case 'rotate-puk':
      return p.slot || p.tag !== undefined ? 'a PUK rotation takes no slot or object' : undefined;
  }
}

/**
 * Whether the card's report after CHANGE REFERENCE DATA of the PUK shows it took a PUK of SCM's:
 * not the factory default, and every try left (a successful change resets the counter). A card
 * without GET METADATA reports only that the change succeeded.
 */
export function pukProofProblem(
  p: { changed: boolean; isDefault?: boolean; retriesLeft?: number; retriesTotal?: number } | undefined,
): string | undefined {
  if (!p?.changed) return 'the card did not report the PUK change';
  if (p.isDefault) return 'the card reports its default PUK';
  if (p.retriesLeft !== undefined && p.retriesTotal !== undefined && p.retriesLeft !== p.retriesTotal)
    return `the card reports ${p.retriesLeft} of ${p.retriesTotal} PUK tries left after the change`;
  return undefined;
}

/** What the expiry sweep does with a card whose certificates end before the horizon. */
export type ExpiryDecision = { kind: 'expire' } | { kind: 'renew'; state: 'pending' | 'awaiting-approval' } | { kind: 'none'; why: string };

export function expiryDecision(
  card: { notAfter: Date; renewal: 'automatic' | 'approval'; openUpdate: string | null },
  now: Date,
): ExpiryDecision {
  if (card.notAfter.getTime() <= now.getTime()) return { kind: 'expire' };
  if (card.openUpdate) return { kind: 'none', why: 'an update is already queued' };
  return { kind: 'renew', state: card.renewal === 'automatic' ? 'pending' : 'awaiting-approval' };
}

/** The message a slot signs to prove its key after an update. */
export const proofMessage = (updateId: string, slot: string, nonce: Buffer): Buffer =>
  Buffer.from(`scm-card-update-v1|${updateId}|${slot}|${nonce.toString('hex')}`, 'utf8');
