import { ApduError, type ByteTransport } from '@scm/apdu';
import { type AtrMatch, atrText, type CardAgent, type CardDescription, type ProbeContext } from './card-agent';
import { PivError, PivErrorCode } from './piv-errors';
import { PivSession } from './piv-session';

/** The PIV card agent: YubiKey ATRs match outright; any other card may still carry a PIV applet. */
export class PivCardAgent implements CardAgent {
  readonly type = 'piv';

  matchAtr(atr: Uint8Array): AtrMatch {
    return /yubikey/i.test(atrText(atr)) ? 'yes' : 'maybe';
  }

  async probe(transport: ByteTransport, ctx: ProbeContext): Promise<CardDescription | undefined> {
    let session: PivSession;
    try {
      session = await PivSession.open(transport, { atr: ctx.atr, trace: ctx.trace });
    } catch (e) {
      // Not PIV, or the card answered SELECT with nonsense: not ours. Transport errors propagate.
      if ((e instanceof PivError && e.code === PivErrorCode.NotPiv) || e instanceof ApduError) return undefined;
      throw e;
    }
    const id = await session.identity();
    const yubico = id.version !== undefined;
    return {
      type: this.type,
      label: yubico ? `PIV (YubiKey ${id.version})` : 'PIV',
      serial: id.serial !== undefined ? String(id.serial) : id.guid,
      details: { ...id },
    };
  }

  /** Opens a PIV session on a card this agent identified. */
  open(transport: ByteTransport, ctx: ProbeContext): Promise<PivSession> {
    return PivSession.open(transport, { atr: ctx.atr, trace: ctx.trace });
  }
}
