import type { WrappedKeyMaterial } from './key-transfer.codec';

/*
 * The wire contract between the issuer API and the card workers: what the API's worker routes
 * answer and take. Both sides import these from here, so neither app imports the other.
 */

export type ActivationState = 'open' | 'completed' | 'failed' | 'cancelled' | 'expired';

export interface ActivationView {
  id: string;
  /** activation (issued → active) or unblock (an active card's new PIN, issue 8); the worker does the same for both. */
  purpose: 'activation' | 'unblock';
  cardId: string;
  serial: string;
  requestId: string | null;
  workstation: number;
  state: ActivationState;
  startedBy: string;
  identityCheck: string;
  createdAt: string;
  expiresAt: string;
  closedAt: string | null;
  failure: string | null;
  /** The PIN rules of the card's profile (what the cardholder may type). */
  pin: { minLength: number; maxLength: number };
}

/** The card a worker reports in one of its readers, asking the API for a card job. */
export interface CardPresence {
  reader: string;
  /** The card's serial (Yubico GET SERIAL, decimal). */
  serial: string;
  /** ATR, hex. */
  atr: string;
  /** The GUID of the CHUID the card holds, if any. */
  guid?: string;
}

/** The API's answer to a card presence: the request leased for that card, or none. */
export interface CardLeaseView {
  lease: {
    requestId: string;
    /** The card is already bound to the request (an earlier attempt wrote to it): resume it. */
    bound: boolean;
    expiresAt: string;
  } | null;
}

/** What the claiming worker needs to start or resume the attempt. */
export interface ClaimView {
  requestId: string;
  cardId: string;
  serial: string;
  /** Attempts on this request so far, this one included. */
  attempt: number;
  /** The card was already bound to this request (an earlier attempt wrote to it). */
  resumed: boolean;
  state: string;
  /** Which management key the card should hold now, as far as the API knows. */
  managementKey: 'transport' | 'diversified';
  /** Name of the card stock's transport key batch (the key itself never crosses the API). */
  transportBatch: string;
  /** Algorithm of the card's transport key (the HSM computes its cryptograms: POST …/management-key/cryptograms with key "transport"). */
  transportAlgorithm: string;
  /** Steps completed on this card by earlier attempts. */
  stepsDone: string[];
  vscId: string;
  /**
   * The request's package when the claim asked for it (`withPackage`): what GET …/personalisation
   * answers, released in a transaction of its own and audited the same way. Absent when it was not
   * asked for or could not be released; the worker then fetches it, and learns why.
   */
  package?: PersonalisationPackage;
}

/**
 * The HSM's half of a blank card's proof of its stock transport key (mutual authentication, step
 * 2): send witness and challenge to the card, then claim with `proofId` and the card's answer. The
 * answer the card must give stays in the API.
 */
export interface CardProofChallenge {
  proofId: string;
  witness: string;
  challenge: string;
  expiresAt: string;
}

export interface CryptogramsView {
  witness: string;
  challenge: string;
  expected: string;
}

export interface VerificationChallenge {
  nonce: string;
  /** Every slot of the profile, with the certificate its key must match. */
  slots: Array<{ slot: string; algorithm: string; certificateSerial: string; message: string }>;
  /** The key-management test: decrypt `input` (RSA) or do ECDH with it (EC public key, SPKI). */
  keyManagement: { slot: string; kind: 'rsa-decrypt' | 'ecdh'; input: string } | null;
}

export interface ProofsInput {
  signatures: Array<{ slot: string; signature: string }>;
  keyManagement?: { slot: string; answer: string };
}

export interface OnCardCertificate {
  slot: string;
  serial: string;
  /** DER, base64: write it into the slot's certificate container. */
  certificate: string;
  pem: string;
  vscVersion: number;
}

/** Everything a worker needs to personalise the card of one request (issue 7's input). */
export interface PersonalisationPackage {
  requestId: string;
  vscId: string;
  vscVersion: number;
  /** CHUID GUID and the UUID in the 9A/9E certificates: the VSC id. */
  cardUuid: string;
  profile: {
    pin: { minLength: number; maxLength: number; tries: number };
    puk: { length: number; tries: number };
    managementKey: { algorithm: string };
  };
  /** Values to write with PUT DATA (inside tag 53; Discovery inside 7E), base64. Write the Security Object last. */
  objects: { chuid: string; ccc: string; discovery: string; securityObject: string; keyHistory?: string };
  /**
   * Slots whose private keys are in `keyMaterial`, with their certificates (DER, base64). A reissue
   * (issue 8) adds retired slots 82–95 holding recovered key-management keys, with their old
   * certificates, and a Key History object in `objects`.
   */
  importSlots: Array<{ slot: string; algorithm: string; escrow: string; certificate: string; serial: string }>;
  /** Slots the card generates: send each public key to POST …/slots/:slot/certificate. */
  onCardSlots: Array<{ slot: string; algorithm: string; certificate: string | null }>;
  /** Private keys of importSlots and the PUK, for this worker only. */
  keyMaterial: WrappedKeyMaterial;
}

/** What the API made of a step the card refused (POST …/personalisation/:id/refused). */
export interface CardRefusalOutcome {
  /** `awaiting-card`: the worker tries the card again; `failed-card`: an officer decides (spoil or retry). */
  state: string;
  final: boolean;
  /** Refused attempts on this card since the last officer decision, this one included. */
  refusals: number;
  step: string;
  sw: string | null;
}
