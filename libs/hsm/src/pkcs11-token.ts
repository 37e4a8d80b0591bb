import { type Module, type Session, SessionFlag, type Slot, UserType } from 'graphene-pk11';
import { HsmError, HsmErrorCode } from './hsm-errors';
import type { HsmSettings } from './hsm-settings';
import { ckrOf, firstLine, pkcs11Module, reinitializePkcs11Module } from './pkcs11-module';

/** The slot holding the configured token: by index when `slot >= 0`, else by label. */
export function findTokenSlot(mod: Module, s: HsmSettings): Slot {
  let slots;
  try {
    slots = mod.getSlots(true);
  } catch (e) {
    throw new HsmError(
      HsmErrorCode.Unavailable,
      `cannot list the slots of ${s.module}: ${firstLine(e)}`,
      { module: s.module },
      { cause: e },
    );
  }
  if (s.slot >= 0) {
    if (s.slot >= slots.length) throw new HsmError(HsmErrorCode.TokenNotFound, `no PKCS#11 slot with index ${s.slot}`, { slot: s.slot });
    return slots.items(s.slot);
  }
  const matches: Slot[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots.items(i);
    if (slot.getToken().label.trim() === s.tokenLabel) matches.push(slot);
  }
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    // Picking one could put new keys on an empty token while escrow keys sit on the other.
    const serials = matches.map((m) => m.getToken().serialNumber.trim());
    throw new HsmError(
      HsmErrorCode.TokenAmbiguous,
      `${matches.length} tokens are labelled "${s.tokenLabel}" (serials ${serials.join(', ')}); keep the one your PIN file belongs to and delete the others (docs/hsm.md)`,
      { token: s.tokenLabel, serials },
    );
  }
  throw new HsmError(HsmErrorCode.TokenNotFound, `no token labelled "${s.tokenLabel}" in ${s.module}; run scripts/setup`, {
    token: s.tokenLabel,
  });
}

/** How often a login that finds the user PIN not initialised makes the library read the token again. */
const TOKEN_REREADS = 3;
const REREAD_PAUSE_MS = 200;

/**
 * Loads the module, finds the token and opens a logged-in session on it.
 *
 * SoftHSM2 reads a token's PIN records from the token's file once, when the library is
 * initialised (C_Initialize), and the file is rewritten by other processes using the token. A
 * process that initialised the library while another was rewriting the file finds the user PIN
 * "not initialised" at its first login and at every login after, for as long as it runs. Such a
 * login initialises the library again, which reads the file afresh, and tries again (a few times,
 * a pause apart). That is safe: login state belongs to the whole process, so a process whose login
 * finds no user PIN has no logged-in session, and SCM does no work on any other kind.
 */
export function openTokenSession(s: HsmSettings): { module: Module; slot: Slot; session: Session } {
  let mod = pkcs11Module(s.module);
  for (let reread = 0; ; reread++) {
    const slot = findTokenSlot(mod, s);
    try {
      return { module: mod, slot, session: openUserSession(slot, s) };
    } catch (e) {
      const pinMissing = e instanceof HsmError && e.meta.reason === 'CKR_USER_PIN_NOT_INITIALIZED';
      if (!pinMissing || reread >= TOKEN_REREADS) throw e;
      if (reread > 0) pause(REREAD_PAUSE_MS);
      mod = reinitializePkcs11Module(s.module);
    }
  }
}

/** Blocks the thread for ms (opening the token is synchronous, and rare). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Opens a read-write session on the slot and logs the user in. Login state is per application
 * in PKCS#11, so a second session of the same process finds the user already logged in.
 */
export function openUserSession(slot: Slot, s: HsmSettings): Session {
  let session: Session;
  try {
    session = slot.open(SessionFlag.SERIAL_SESSION | SessionFlag.RW_SESSION);
  } catch (e) {
    const code = ckrOf(e) === 'CKR_TOKEN_NOT_PRESENT' ? HsmErrorCode.TokenNotFound : HsmErrorCode.Unavailable;
    throw new HsmError(code, `cannot open a session on token "${s.tokenLabel}": ${firstLine(e)}`, { token: s.tokenLabel }, { cause: e });
  }
  try {
    session.login(s.pin, UserType.USER);
  } catch (e) {
    const ckr = ckrOf(e);
    if (ckr !== 'CKR_USER_ALREADY_LOGGED_IN') {
      try {
        session.close();
      } catch {
        /* the session is useless either way */
      }
      const why =
        ckr === 'CKR_PIN_INCORRECT'
          ? 'the PIN is wrong'
          : ckr === 'CKR_PIN_LOCKED'
            ? 'the PIN is locked'
            : ckr === 'CKR_PIN_LEN_RANGE' || ckr === 'CKR_ARGUMENTS_BAD'
              ? 'the PIN has an invalid length'
              : ckr === 'CKR_USER_PIN_NOT_INITIALIZED'
                ? 'the token has no user PIN (initialise it: docs/hsm.md)'
                : firstLine(e);
      throw new HsmError(
        HsmErrorCode.LoginFailed,
        `login to token "${s.tokenLabel}" failed: ${why}`,
        { token: s.tokenLabel, reason: ckr },
        { cause: e },
      );
    }
  }
  return session;
}
