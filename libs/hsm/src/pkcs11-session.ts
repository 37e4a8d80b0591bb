import { Module, type Session, SessionFlag, type Slot, UserType } from 'graphene-pk11';
import { HsmError, HsmErrorCode } from './hsm-errors';
import type { HsmSettings } from './hsm-settings';

/**
 * One logged-in PKCS#11 session on the SCM token. The module is loaded once per process;
 * every HSM use in SCM goes through a session opened here.
 */
export class Pkcs11Session {
  private static modules = new Map<string, Module>();

  private constructor(
    readonly session: Session,
    readonly slot: Slot,
    readonly settings: HsmSettings,
  ) {}

  static open(settings: HsmSettings): Pkcs11Session {
    let mod = Pkcs11Session.modules.get(settings.module);
    if (!mod) {
      try {
        mod = Module.load(settings.module);
        mod.initialize();
      } catch (e) {
        throw new HsmError(
          HsmErrorCode.Unavailable,
          `cannot load the PKCS#11 module ${settings.module}: ${(e as Error).message}`,
          { module: settings.module },
          { cause: e },
        );
      }
      Pkcs11Session.modules.set(settings.module, mod);
    }
    const slot = Pkcs11Session.findSlot(mod, settings);
    let session: Session;
    try {
      session = slot.open(SessionFlag.SERIAL_SESSION | SessionFlag.RW_SESSION);
    } catch (e) {
      throw new HsmError(
        HsmErrorCode.Unavailable,
        `cannot open a session on token "${settings.tokenLabel}": ${(e as Error).message}`,
        {},
        { cause: e },
      );
    }
    try {
      session.login(settings.pin, UserType.USER);
    } catch (e) {
      const msg = (e as Error).message;
      if (!/CKR_USER_ALREADY_LOGGED_IN/.test(msg)) {
        session.close();
        throw new HsmError(
          HsmErrorCode.LoginFailed,
          `login to token "${settings.tokenLabel}" failed (${msg.split('\n')[0]})`,
          {},
          { cause: e },
        );
      }
    }
    return new Pkcs11Session(session, slot, settings);
  }

  private static findSlot(mod: Module, s: HsmSettings): Slot {
    const slots = mod.getSlots(true);
    if (s.slot >= 0) {
      if (s.slot >= slots.length) throw new HsmError(HsmErrorCode.TokenNotFound, `no PKCS#11 slot with index ${s.slot}`, { slot: s.slot });
      return slots.items(s.slot);
    }
    for (let i = 0; i < slots.length; i++) {
      const slot = slots.items(i);
      if (slot.getToken().label.trim() === s.tokenLabel) return slot;
    }
    throw new HsmError(HsmErrorCode.TokenNotFound, `no token labelled "${s.tokenLabel}" in ${s.module}; run scripts/setup`, {
      token: s.tokenLabel,
    });
  }

  /** Cheap liveness check: the token answers and the session is still logged in. */
  ping(): { token: string; serial: string } {
    try {
      this.session.generateRandom(1);
      const t = this.slot.getToken();
      return { token: t.label.trim(), serial: t.serialNumber.trim() };
    } catch (e) {
      throw new HsmError(HsmErrorCode.Unavailable, `HSM check failed: ${(e as Error).message}`, {}, { cause: e });
    }
  }

  close(): void {
    try {
      this.session.logout();
    } catch {
      /* not logged in */
    }
    try {
      this.session.close();
    } catch {
      /* already closed */
    }
  }
}
