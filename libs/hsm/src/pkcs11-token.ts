import { type Module, type Session, SessionFlag, type Slot, UserType } from 'graphene-pk11';
import { HsmError, HsmErrorCode } from './hsm-errors';
import type { HsmSettings } from './hsm-settings';
import { ckrOf, firstLine } from './pkcs11-module';

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
