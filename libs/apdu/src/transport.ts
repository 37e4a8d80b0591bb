import { ChannelBusyError, TransportProtocolError } from './apdu-errors';
import { toHex } from './bytes';
import { APDU_LIMITS, CommandApdu } from './command-apdu';
import { ResponseApdu } from './response-apdu';
import { expectSw, SW } from './status-words';

/** The one-method transport every layer wraps (a PC/SC channel, a vpcd card, a transcript). */
export interface ByteTransport {
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

/** A pino-compatible sink for APDU traces (a pino logger fits as it is). */
export interface ApduTraceLogger {
  trace(obj: Record<string, unknown>, msg?: string): void;
  isLevelEnabled?(level: string): boolean;
}

/** INS whose command data and response data are secret: PINs, PUKs, keys, cryptograms, decryptions. */
export const SENSITIVE_INS: ReadonlySet<number> = new Set([
  0x20, // VERIFY
  0x24, // CHANGE REFERENCE DATA
  0x2c, // RESET RETRY COUNTER
  0x87, // GENERAL AUTHENTICATE: management-key cryptograms, decrypted blocks, ECDH secrets
  0xfe, // Yubico IMPORT ASYMMETRIC KEY
  0xff, // Yubico SET MANAGEMENT KEY
]);

const GET_RESPONSE = 0xc0;

/** A command for the trace: header and Lc/Le in clear, the data replaced by its length when secret. */
export function redactCommand(apdu: Uint8Array, sensitive: boolean): string {
  if (!sensitive || apdu.length <= 5) return toHex(apdu);
  return `${toHex(apdu.subarray(0, 4))} [${apdu.length - 4} bytes redacted]`;
}

/** A response for the trace: the status in clear, the data replaced by its length when secret. */
export function redactResponse(rapdu: Uint8Array, sensitive: boolean): string {
  if (!sensitive || rapdu.length <= 2) return toHex(rapdu);
  return `[${rapdu.length - 2} bytes redacted] ${toHex(rapdu.subarray(rapdu.length - 2))}`;
}

/**
 * Logs every exchange at trace level as `=> hex` / `<= hex`, with the data of VERIFY, CHANGE
 * REFERENCE DATA, RESET RETRY COUNTER, GENERAL AUTHENTICATE, IMPORT KEY and SET MANAGEMENT KEY
 * (and the GET RESPONSEs that continue them) redacted.
 */
export function withTrace(inner: ByteTransport, log: ApduTraceLogger, sensitiveIns: ReadonlySet<number> = SENSITIVE_INS): ByteTransport {
  let lastSensitive = false;
  return {
    async transmit(apdu: Uint8Array): Promise<Uint8Array> {
      const ins = apdu.length >= 2 ? apdu[1] : -1;
      const sensitive = sensitiveIns.has(ins) || (ins === GET_RESPONSE && lastSensitive);
      lastSensitive = sensitive;
      if (log.isLevelEnabled && !log.isLevelEnabled('trace')) return inner.transmit(apdu);
      const t0 = performance.now();
      log.trace({ apdu: redactCommand(apdu, sensitive) }, '=>');
      const r = await inner.transmit(apdu);
      log.trace({ apdu: redactResponse(r, sensitive), ms: Math.round((performance.now() - t0) * 10) / 10 }, '<=');
      return r;
    },
  };
}

export interface ResponseLayerOptions {
  /** The most GET RESPONSE commands for one command (default 300: > 64 KiB in 256-byte parts). */
  maxGetResponse?: number;
  /** The most response bytes collected for one command (default 65536 + 256). */
  maxResponseBytes?: number;
}

/**
 * Collects a whole response: on `61xx` sends GET RESPONSE (00 C0 00 00 xx) and appends the parts;
 * on `6Cxx` re-sends the command (or the GET RESPONSE) once with Le = xx. Both loops are capped:
 * a card that keeps answering 61xx, or answers 6Cxx twice, is a TransportProtocolError.
 */
export function withResponseCollection(inner: ByteTransport, opts: ResponseLayerOptions = {}): ByteTransport {
  const maxRounds = opts.maxGetResponse ?? 300;
  const maxBytes = opts.maxResponseBytes ?? APDU_LIMITS.extendedNe + 256;
  const exchange = async (apdu: Uint8Array): Promise<ResponseApdu> => {
    let r = ResponseApdu.parse(await inner.transmit(apdu));
    if (r.sw1 === 0x6c) {
      const again = CommandApdu.parse(apdu).with({ ne: r.sw2 === 0 ? 256 : r.sw2 });
      r = ResponseApdu.parse(await inner.transmit(again.toBytes()));
      if (r.sw1 === 0x6c)
        throw new TransportProtocolError(`the card answered 6C${toHex(Uint8Array.of(r.sw2))} again after a resend with its Le`, {
          ins: apdu[1],
        });
    }
    return r;
  };
  return {
    async transmit(apdu: Uint8Array): Promise<Uint8Array> {
      let r = await exchange(apdu);
      if (r.sw1 !== 0x61) return r.toBytes();
      const parts: Uint8Array[] = [];
      let total = 0;
      for (let round = 0; r.sw1 === 0x61; round++) {
        total += r.length;
        if (round >= maxRounds || total > maxBytes)
          throw new TransportProtocolError(`the card kept answering 61xx after ${round} GET RESPONSE commands (${total} bytes)`, {
            ins: apdu[1],
            rounds: round,
            bytes: total,
          });
        parts.push(r.data);
        r = await exchange(CommandApdu.of(0x00, GET_RESPONSE, 0x00, 0x00, undefined, r.sw2 === 0 ? 256 : r.sw2).toBytes());
      }
      parts.push(r.data);
      const data = new Uint8Array(total + r.length);
      let o = 0;
      for (const p of parts) {
        data.set(p, o);
        o += p.length;
      }
      if (data.length > maxBytes)
        throw new TransportProtocolError(`response of ${data.length} bytes exceeds ${maxBytes}`, { ins: apdu[1] });
      return new ResponseApdu(data, r.sw).toBytes();
    },
  };
}

export interface ApduChannelOptions extends ResponseLayerOptions {
  /** The card takes extended-length APDUs (from its ATR or version); otherwise long data is chained. */
  extendedLength?: boolean;
  /** The largest Nc sent in one extended APDU (default 65535; a YubiKey 5 takes 3062). */
  maxExtendedNc?: number;
  /** Trace every exchange (redacted) to this logger. */
  trace?: ApduTraceLogger;
}

/** Sends CommandApdus and returns whole ResponseApdus; see createApduChannel. */
export class ApduChannel {
  private busy = false;
  private readonly stack: ByteTransport;

  constructor(
    raw: ByteTransport,
    private readonly opts: ApduChannelOptions = {},
  ) {
    const traced = opts.trace ? withTrace(raw, opts.trace) : raw;
    this.stack = withResponseCollection(traced, opts);
  }

  get extendedLength(): boolean {
    return this.opts.extendedLength ?? false;
  }

  /** Enables or disables extended length once the card's capabilities are known. */
  setExtendedLength(on: boolean, maxExtendedNc?: number): void {
    this.opts.extendedLength = on;
    if (maxExtendedNc !== undefined) this.opts.maxExtendedNc = maxExtendedNc;
  }

  /**
   * Sends one command: chained in 255-byte chunks (CLA|0x10) when its data does not fit one APDU,
   * the whole response collected. Any status is returned; see `transmit` for a checked one.
   * One command at a time: overlapping use is a ChannelBusyError.
   */
  async send(cmd: CommandApdu): Promise<ResponseApdu> {
    if (this.busy) throw new ChannelBusyError('another command is in flight on this channel');
    this.busy = true;
    try {
      return await this.sendUnlocked(cmd);
    } finally {
      this.busy = false;
    }
  }

  /** Sends a command and checks its status against `accepted` (default 9000). */
  async transmit(cmd: CommandApdu, accepted: readonly number[] = [SW.OK], context?: string): Promise<ResponseApdu> {
    return expectSw(await this.send(cmd), accepted, context);
  }

  private async sendUnlocked(cmd: CommandApdu): Promise<ResponseApdu> {
    const ext = this.opts.extendedLength ?? false;
    const maxExt = Math.min(this.opts.maxExtendedNc ?? APDU_LIMITS.extendedNc, APDU_LIMITS.extendedNc);
    if (ext && cmd.nc <= maxExt) {
      return this.exchange(
        cmd.nc > APDU_LIMITS.shortNc || (cmd.ne ?? 0) > APDU_LIMITS.shortNe ? cmd.with({ extended: true }) : cmd.with({ extended: false }),
      );
    }
    const ne = cmd.ne === undefined ? undefined : Math.min(cmd.ne, APDU_LIMITS.shortNe);
    if (cmd.nc <= APDU_LIMITS.shortNc) return this.exchange(cmd.with({ ne, extended: false }));
    if (cmd.chained) throw new TransportProtocolError('a command that is already a chain link cannot be chained again');
    const data = cmd.data;
    const chunk = APDU_LIMITS.shortNc;
    for (let o = 0; o < data.length; o += chunk) {
      const last = o + chunk >= data.length;
      const part = data.subarray(o, Math.min(o + chunk, data.length));
      const link = new CommandApdu({
        cla: last ? cmd.cla : cmd.cla | 0x10,
        ins: cmd.ins,
        p1: cmd.p1,
        p2: cmd.p2,
        data: part,
        ne: last ? ne : undefined,
        extended: false,
      });
      const r = await this.exchange(link);
      // A failed link ends the command: its status is the command's answer.
      if (last || r.sw !== SW.OK) return r;
    }
    /* c8 ignore next */
    throw new TransportProtocolError('empty chain');
  }

  private async exchange(cmd: CommandApdu): Promise<ResponseApdu> {
    return ResponseApdu.parse(await this.stack.transmit(cmd.toBytes()));
  }
}

/** The usual stack over a raw transport: trace, 61xx/6Cxx handling, chaining or extended length. */
export function createApduChannel(raw: ByteTransport, opts: ApduChannelOptions = {}): ApduChannel {
  return new ApduChannel(raw, opts);
}
