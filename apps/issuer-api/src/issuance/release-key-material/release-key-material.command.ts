import type { Actor } from '../../auth/principal';
import type { WrappedKeyMaterial } from '@scm/personalisation';

/** The claiming worker asks for what it writes onto the card: objects, certificates, and the key material wrapped for it. */
export class ReleaseKeyMaterialCommand {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly actor: Actor,
  ) {}
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
