import { randomBytes } from 'node:crypto';
import { encodeConstructed, encodeTlv, SW, TlvError } from '@scm/apdu';
import { BackendError, BackendErrorCode, type PivCardBackend } from '../backend/piv-card-backend.port';
import { Ins, KeyRef, PIV_AID } from '../piv.constants';
import {
  check,
  reply,
  StatusWordReply,
  type AppletCommand,
  type AppletContext,
  type AppletResponse,
  type CommandHandler,
} from './applet-context';
import { getData, putData } from './data-object.handlers';
import { attest, generate, importKey, metadata, useSlotKey } from './key.handlers';
import { authenticateManagementKey, setManagementKey } from './management-key.handlers';
import { changeReference, resetRetryCounter, verify } from './pin.handlers';
import { SecurityState } from './security-state';

export interface PivAppletOptions {
  /** Randomness for 9B witnesses and challenges (tests fix it); node:crypto by default. */
  random?: (length: number) => Uint8Array;
  /** Told about unexpected failures (answered 6F00); never given command data. */
  onError?: (e: unknown) => void;
}

/** PIV application property template as a YubiKey returns it: `61 { 4F PIX, 79 { 4F RID } }`. */
export const PIV_APT = encodeConstructed(
  0x61,
  encodeTlv(0x4f, PIV_AID.subarray(5)),
  encodeConstructed(0x79, encodeTlv(0x4f, PIV_AID.subarray(0, 5))),
);

const getVersion: CommandHandler = async (ctx) => reply(Uint8Array.from(ctx.backend.identity.version));

const getSerial: CommandHandler = async (ctx) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(ctx.backend.identity.serial >>> 0);
  return reply(new Uint8Array(b));
};

/** Yubico RESET (FB): only once both PIN and PUK are blocked. */
const resetCard: CommandHandler = async (ctx) => {
  const [pin, puk] = await Promise.all([ctx.backend.retryState(KeyRef.PIN), ctx.backend.retryState(KeyRef.PUK)]);
  check(pin.remaining === 0 && puk.remaining === 0, SW.CONDITIONS_NOT_SATISFIED);
  await ctx.backend.reset();
  ctx.security.clear();
  return reply();
};

/** Yubico SET PIN RETRIES (FA pin puk): needs the management key and the PIN; PIN and PUK go back to defaults. */
const setPinRetries: CommandHandler = async (ctx, cmd) => {
  check(ctx.security.mgmAuthenticated && ctx.security.pinVerified, SW.SECURITY_STATUS_NOT_SATISFIED);
  check(cmd.p1 > 0 && cmd.p2 > 0, SW.INCORRECT_P1P2);
  await ctx.backend.setRetries(cmd.p1, cmd.p2);
  ctx.security.pinVerified = false;
  return reply();
};

/** GENERAL AUTHENTICATE (87): 9B is the management key, anything else a key slot. */
const generalAuthenticate: CommandHandler = async (ctx, cmd) =>
  cmd.p2 === KeyRef.MANAGEMENT ? authenticateManagementKey(ctx, cmd) : useSlotKey(ctx, cmd);

const HANDLERS: ReadonlyMap<number, CommandHandler> = new Map([
  [Ins.GET_DATA, getData],
  [Ins.PUT_DATA, putData],
  [Ins.VERIFY, verify],
  [Ins.CHANGE_REFERENCE, changeReference],
  [Ins.RESET_RETRY, resetRetryCounter],
  [Ins.GENERAL_AUTHENTICATE, generalAuthenticate],
  [Ins.GENERATE, generate],
  [Ins.IMPORT_KEY, importKey],
  [Ins.SET_MGMKEY, setManagementKey],
  [Ins.GET_VERSION, getVersion],
  [Ins.GET_SERIAL, getSerial],
  [Ins.GET_METADATA, metadata],
  [Ins.ATTEST, attest],
  [Ins.RESET, resetCard],
  [Ins.SET_PIN_RETRIES, setPinRetries],
]);

/**
 * The PIV application with the Yubico extensions: one complete command in, one response out.
 * Selection, chaining and response chunking are the card's business (`PivCard`); card content is
 * the backend's. This class owns the session security state.
 */
export class PivApplet {
  readonly security = new SecurityState();
  private readonly ctx: AppletContext;

  constructor(
    readonly backend: PivCardBackend,
    private readonly opts: PivAppletOptions = {},
  ) {
    this.ctx = { backend, security: this.security, random: opts.random ?? ((n) => new Uint8Array(randomBytes(n))) };
  }

  /** Forgets PIN and management-key authentication (power off, reset, another application selected). */
  deselect(): void {
    this.security.clear();
  }

  /** Runs one command (data already reassembled from a chain). */
  async process(cmd: AppletCommand): Promise<AppletResponse> {
    const security = this.security;
    const isGa = cmd.ins === Ins.GENERAL_AUTHENTICATE;
    // A 9B witness or challenge answers the very next command only.
    if (!(isGa && cmd.p2 === KeyRef.MANAGEMENT)) security.mgmPending = undefined;
    // "PIN always" keys need the VERIFY immediately before: any other command in between spends it.
    if (!(cmd.ins === Ins.VERIFY || (isGa && cmd.p2 !== KeyRef.MANAGEMENT))) security.pinJustVerified = false;
    try {
      const handler = HANDLERS.get(cmd.ins);
      if (!handler) return reply(undefined, SW.INS_NOT_SUPPORTED);
      return await handler(this.ctx, cmd);
    } catch (e) {
      return { data: new Uint8Array(0), sw: this.statusFor(e) };
    } finally {
      if (cmd.ins !== Ins.VERIFY) security.pinJustVerified = false;
    }
  }

  private statusFor(e: unknown): number {
    if (e instanceof StatusWordReply) return e.sw;
    if (e instanceof TlvError) return SW.WRONG_DATA;
    if (e instanceof BackendError) {
      switch (e.code) {
        case BackendErrorCode.InvalidInput:
          return SW.WRONG_DATA;
        case BackendErrorCode.NoKey:
          return SW.REFERENCE_NOT_FOUND;
        case BackendErrorCode.NoSpace:
          return SW.NOT_ENOUGH_MEMORY;
        case BackendErrorCode.Refused:
          return SW.CONDITIONS_NOT_SATISFIED;
      }
    }
    this.opts.onError?.(e);
    return SW.NO_PRECISE_DIAGNOSIS;
  }
}
