import type { WrappedKeyMaterial } from './key-transfer.codec';

/*
 * The API ↔ worker contract of card updates (docs/card-updates.md): a card that is already issued
 * gets new certificates, keys or data objects the next time it is in a reader of an approved
 * workstation. Certificates and objects are public (base64 DER / TLV values); private keys travel
 * only inside `keyMaterial`, wrapped for the worker (purpose `card-update`, bound to the update id).
 */

/** One change to make on the card, in the order given (a key is followed by its certificate). */
export type CardUpdateOperation =
  /** IMPORT ASYMMETRIC KEY of an escrowed key (from keyMaterial, by slot). */
  | { op: 'import'; slot: string; algorithm: string }
  /** PUT DATA of a slot's certificate container. */
  | { op: 'certificate'; slot: string; certificate: string }
  /**
   * GENERATE a new key in an on-card slot, then have it certified (POST …/slots/:slot/certificate)
   * and write the certificate. `previous` is the certificate the slot held before the update; a
   * key matching `certificate` (an earlier attempt's) is kept.
   */
  | { op: 'generate'; slot: string; algorithm: string; previous: string; certificate: string | null }
  /** PUT DATA of a data object (tag as a number, value = what goes inside tag 53). */
  | { op: 'object'; tag: number; name: string; value: string }
  /**
   * CHANGE REFERENCE DATA of the PUK (81) from the card's PUK to a new one, both in `puk` (wrapped
   * for the worker). A resumed attempt tries the new PUK first (the card may have taken it), then
   * the current one; the first attempt the other way round.
   */
  | { op: 'puk' };

/** What the card proves at the end: a signature over `message` (slot usable without a PIN), or the public key it holds. */
export interface CardUpdateProofSlot {
  slot: string;
  algorithm: string;
  /** The certificate (serial) the slot's key must match after the update. */
  certificateSerial: string;
  /** Sign `message` (base64) with the slot (card authentication, 9E, needs no PIN); otherwise report GET METADATA's public key. */
  message?: string;
}

export interface CardUpdatePlan {
  updateId: string;
  kind: 'renew' | 'rekey' | 'put-object' | 'rotate-puk';
  attempt: number;
  cardId: string;
  serial: string;
  vscId: string;
  /** The escrowed VSC version the card is brought to. */
  vscVersion: number;
  /** The card's management-key algorithm (the profile's): authenticate through the API's HSM. */
  managementKeyAlgorithm: string;
  operations: CardUpdateOperation[];
  proofs: CardUpdateProofSlot[];
  keyMaterial?: WrappedKeyMaterial;
  /** rotate-puk: the card's current PUK and the new one, each alone in a package wrapped for the worker (purpose card-update, bound to the update). */
  puk?: { current: WrappedKeyMaterial; next: WrappedKeyMaterial };
}

/** The API's answer when a worker presents an issued card: its update to run now, or what waits (an approval). */
export interface CardUpdateOffer {
  update: CardUpdatePlan | null;
  waiting: Array<{ id: string; kind: string; state: string; reason: string }>;
}

export interface CardUpdateProofs {
  signatures: Array<{ slot: string; signature: string }>;
  keys: Array<{ slot: string; publicKey: string }>;
  /** rotate-puk: the change succeeded, and what GET METADATA 81 then reports (when the card has it). */
  puk?: { changed: boolean; isDefault?: boolean; retriesLeft?: number; retriesTotal?: number };
}

export interface CardUpdateCertificate {
  slot: string;
  serial: string;
  certificate: string;
}
