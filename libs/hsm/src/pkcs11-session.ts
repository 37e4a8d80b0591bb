import type { Session, Slot } from 'graphene-pk11';
import { HsmError, HsmErrorCode } from './hsm-errors';
import type { HsmSettings } from './hsm-settings';
import { firstLine } from './pkcs11-module';
import { openTokenSession } from './pkcs11-token';

/**
 * One logged-in PKCS#11 session on the SCM token, for a cheap health check or a low-level use.
 * Cryptographic work goes through {@link HsmContext}, which shares the same process-wide module.
 */
export class Pkcs11Session {
  private constructor(
    readonly session: Session,
    readonly slot: Slot,
    readonly settings: HsmSettings,
  ) {}

  /** Loads the module (once per process), finds the token and logs in. */
  static open(settings: HsmSettings): Pkcs11Session {
    const { slot, session } = openTokenSession(settings);
    return new Pkcs11Session(session, slot, settings);
  }

  /** Cheap liveness check: the token answers and the session is still logged in. */
  ping(): { token: string; serial: string } {
    try {
      this.session.generateRandom(1);
      const t = this.slot.getToken();
      return { token: t.label.trim(), serial: t.serialNumber.trim() };
    } catch (e) {
      throw new HsmError(HsmErrorCode.Unavailable, `HSM check failed: ${firstLine(e)}`, {}, { cause: e });
    }
  }

  /**
   * Closes this session. It does not log out: login state belongs to the whole process in
   * PKCS#11, and a logout here would log out every other session (HsmContext) too.
   */
  close(): void {
    try {
      this.session.close();
    } catch {
      /* already closed */
    }
  }
}
