import { SW } from '@scm/apdu';
import { Ins } from '../piv.constants';
import type { CommandRefusal } from './command-refusals';

/** T=1 ATR with compact-TLV historical bytes (`80`, capabilities `73 C0 21 C0`, tag 5 "GenPIV1"), then TCK. */
function genericPivAtr(): Uint8Array {
  const historical = [0x80, 0x73, 0xc0, 0x21, 0xc0, 0x57, ...Buffer.from('GenPIV1', 'ascii')];
  // TS=3B, T0: TD1 present and K historical bytes; TD1=80 (TD2 follows, T=0); TD2=01 (T=1).
  const body = [0x80 | historical.length, 0x80, 0x01, ...historical];
  const tck = body.reduce((x, b) => x ^ b, 0);
  return Uint8Array.from([0x3b, ...body, tck]);
}

/**
 * The ATR of a PIV card that is not a YubiKey: OpenSC (and SCM's capability rule) take any ATR whose
 * historical bytes do not name "YubiKey" as a generic PIV card.
 */
export const GENERIC_PIV_ATR = genericPivAtr();

/**
 * A PIV card without the Yubico extensions that matter for issuance: it generates keys but has no
 * IMPORT ASYMMETRIC KEY (INS FE) and no GET VERSION (INS FD), answering both `6D00` as many PIV
 * cards do. (It keeps GET SERIAL, F8, and GET METADATA, F7, so SCM still identifies it.)
 */
export const NO_IMPORT_REFUSALS: readonly CommandRefusal[] = [
  { ins: Ins.IMPORT_KEY, sw: SW.INS_NOT_SUPPORTED },
  { ins: Ins.GET_VERSION, sw: SW.INS_NOT_SUPPORTED },
];

/** Commands that change what a PIV card holds or how it is locked (a probe never sends one). */
export const WRITING_INS: ReadonlySet<number> = new Set([
  Ins.PUT_DATA,
  Ins.GENERATE,
  Ins.IMPORT_KEY,
  Ins.SET_MGMKEY,
  Ins.CHANGE_REFERENCE,
  Ins.RESET_RETRY,
  Ins.SET_PIN_RETRIES,
  Ins.RESET,
]);
