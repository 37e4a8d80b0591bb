/**
 * @scm/piv — the card agency and the PIV card agent.
 *
 *   CardAgency([new PivCardAgent(), ...]).identify(transport, { atr }) -> { agent, card: { type, label, serial, details } }
 *   PivSession.open(transport | ApduChannel, { atr?, extendedLength?, trace? })   selects PIV
 *     identity() version() serial()                              CHUID GUID/FASC-N, Yubico version and serial
 *     verifyPin(pin) pinStatus() pukStatus() changePin() changePuk() unblockPin(puk, newPin)
 *     authenticate(ManagementKeyAuthenticator) setManagementKey(key, alg, { requireTouch })
 *     getObject(tag) putObject(tag, content | undefined)        raw 53-content; undefined = absent / delete
 *     read/writeChuid, read/writeCcc, read/write/deleteCertificate(slot), read/writeKeyHistory,
 *     read/writePrintedInfo, read/writeDiscovery
 *     generateKey(slot, alg, policy) -> PivPublicKey { algorithm, keyObject, spki }
 *     importKey(slot, privateKeyObject, policy) sign(slot, alg, message, hash) signDigest(...)
 *     decrypt(slot, alg, ciphertext) decryptRaw(...) ecdh(slot, alg, peerKey) attest(slot)
 *     getMetadata(ref) tryMetadata(ref) setPinRetries(pin, puk) resetApplet()
 *   ManagementKeyAuthenticator { algorithm; respond(encWitness) -> { witness, challenge, expected }; encrypt? }
 *     SoftwareManagementKey(key, alg = 3DES, random?) for keys known to this process
 *   Errors: PivError { code: PivErrorCode } and InvalidPinError(retriesLeft), PinBlockedError, InvalidPukError,
 *     PukBlockedError, ManagementKeyRejectedError, CardNotAuthenticatedError, NotAuthorizedError, NoKeyError
 *   readCardReport(session) -> identity, PIN/PUK tries, management key, slots (key, certificate), objects
 *   Constants (as const): INS, SLOT, KEY_REF, ALGORITHM, OBJECT, PIN_POLICY, TOUCH_POLICY, DEFAULTS, certObjectOf(slot)
 */
export * from './card-agent';
export * from './management-key';
export * from './piv.constants';
export * from './piv-agent';
export * from './piv-errors';
export * from './piv-keys';
export * from './piv-objects.codec';
export * from './piv-report';
export * from './piv-session';

import { CardAgency } from './card-agent';
import { PivCardAgent } from './piv-agent';

/** The agency with every card type SCM knows. */
export function defaultCardAgency(): CardAgency {
  return new CardAgency([new PivCardAgent()]);
}
