import { ApduFormatError, CommandApdu, SW } from '@scm/apdu';
import type { VirtualCard } from '@scm/vpcd';
import { PivApplet, PIV_APT, type PivAppletOptions } from '../applet/piv-applet';
import type { PivCardBackend } from '../backend/piv-card-backend.port';
import { Ins, PIV_AID, PIV_AID_MIN_PREFIX, YUBICO_MGMT_AID } from '../piv.constants';
import { type CardLatency, latencyOf } from './card-latency';
import { type CommandRefusal, refusalFor } from './command-refusals';

export interface PivCardOptions extends PivAppletOptions {
  /** The largest command a chain (CLA 0x10) may build up; longer chains are refused with 6A84. */
  maxChainBytes?: number;
  /** Commands this card refuses with a fixed status word, every time (fault tests: a card that refuses an object or a key). */
  refuse?: readonly CommandRefusal[];
  /** Answer as slowly as a real card (per APDU, per key generation); none by default. */
  latency?: CardLatency;
  /** Told of every complete command the card receives (instruction and parameters, never the data): tests see what reached the card. */
  onCommand?: (cmd: { ins: number; p1: number; p2: number }) => void;
}

/** Responses are cut at this many bytes; the rest waits for GET RESPONSE (OpenSC's buffer is 258). */
const MAX_RESPONSE_CHUNK = 256;
const DEFAULT_MAX_CHAIN = 16 * 1024;

type Selected = 'piv' | 'management';

const sw = (value: number): Uint8Array => Uint8Array.of(value >> 8, value & 0xff);

function withSw(data: Uint8Array, status: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out.set(sw(status), data.length);
  return out;
}

function isPivAid(aid: Uint8Array): boolean {
  return aid.length >= PIV_AID_MIN_PREFIX && aid.length <= PIV_AID.length && aid.every((b, i) => b === PIV_AID[i]);
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A software PIV card behaving like a YubiKey 5: raw C-APDU in, raw R-APDU out. This layer does
 * what sits around the applet on a real card: the class byte, application selection (PIV is
 * selected at power-on; the Yubico management AID deselects it), command chaining, and cutting
 * responses at 256 bytes with 61xx / GET RESPONSE. A `VirtualCard`, so `VpcdConnector` can put it
 * into a vpcd reader.
 */
export class PivCard implements VirtualCard {
  readonly applet: PivApplet;
  private selected: Selected = 'piv';
  private chain: { ins: number; p1: number; p2: number; parts: Uint8Array[]; length: number } | undefined;
  private pendingResponse: Uint8Array | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly maxChain: number;
  private readonly refuse: readonly CommandRefusal[];
  private readonly latency: CardLatency | undefined;
  /** The algorithm of the key the last command generated (for the latency model). */
  private generated: number | undefined;
  private readonly onCommand: PivCardOptions['onCommand'];

  constructor(
    readonly backend: PivCardBackend,
    opts: PivCardOptions = {},
  ) {
    this.applet = new PivApplet(backend, opts);
    this.maxChain = opts.maxChainBytes ?? DEFAULT_MAX_CHAIN;
    this.refuse = opts.refuse ?? [];
    this.latency = opts.latency;
    this.onCommand = opts.onCommand;
  }

  atr(): Uint8Array {
    return this.backend.identity.atr;
  }

  powerOn(): void {
    this.resetSession();
  }

  powerOff(): void {
    this.resetSession();
  }

  reset(): void {
    this.resetSession();
  }

  /** A fresh session: nothing authenticated, no chain or pending response, PIV selected. */
  private resetSession(): void {
    this.applet.deselect();
    this.selected = 'piv';
    this.chain = undefined;
    this.pendingResponse = undefined;
  }

  /** One APDU at a time, in arrival order, even if callers overlap. */
  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const run = this.queue.then(() => (this.latency ? this.slowExchange(apdu, this.latency) : this.exchange(apdu)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** An exchange that takes as long as the latency model says (the card is busy meanwhile). */
  private async slowExchange(bytes: Uint8Array, latency: CardLatency): Promise<Uint8Array> {
    const t0 = performance.now();
    this.generated = undefined;
    const r = await this.exchange(bytes);
    const wait = latencyOf(latency, { ins: bytes[1] ?? 0, generatedAlgorithm: this.generated }) - (performance.now() - t0);
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    return r;
  }

  private async exchange(bytes: Uint8Array): Promise<Uint8Array> {
    let cmd: CommandApdu;
    try {
      cmd = CommandApdu.parse(bytes);
    } catch (e) {
      if (e instanceof ApduFormatError) {
        this.pendingResponse = undefined;
        this.chain = undefined;
        return sw(SW.WRONG_LENGTH);
      }
      throw e;
    }
    if ((cmd.cla & ~0x10) !== 0x00) return sw(SW.CLA_NOT_SUPPORTED);

    if (cmd.ins === Ins.GET_RESPONSE && !cmd.chained) return this.getResponse(cmd);
    // Any other command abandons an unread response (OpenSC leaves the 61xx of its Le=08 probe).
    this.pendingResponse = undefined;

    const data = this.collectChain(cmd);
    if (data === 'more') return sw(SW.OK);
    if (data === 'overflow') return sw(SW.NOT_ENOUGH_MEMORY);
    this.onCommand?.({ ins: cmd.ins, p1: cmd.p1, p2: cmd.p2 });

    if (cmd.ins === Ins.SELECT) return this.select(cmd.p1, cmd.p2, data);
    if (this.selected !== 'piv') return sw(SW.INS_NOT_SUPPORTED);
    const refused = refusalFor(this.refuse, { ins: cmd.ins, p2: cmd.p2, data });
    if (refused !== undefined) return sw(refused);
    const r = await this.applet.process({ ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data, ne: cmd.ne });
    // GENERATE's template is AC { 80 01 alg, … }: what the latency model charges for.
    if (cmd.ins === Ins.GENERATE && r.sw === SW.OK && data[0] === 0xac && data[2] === 0x80) this.generated = data[4];
    return this.respond(r.data, r.sw, cmd.ne);
  }

  /** Adds a chained part; returns the whole data once the last part is in. */
  private collectChain(cmd: CommandApdu): Uint8Array | 'more' | 'overflow' {
    const c = this.chain;
    const continues = c !== undefined && c.ins === cmd.ins && c.p1 === cmd.p1 && c.p2 === cmd.p2;
    // A different command in the middle of a chain abandons the chain.
    const parts = continues ? c.parts : [];
    const length = (continues ? c.length : 0) + cmd.nc;
    this.chain = undefined;
    if (length > this.maxChain) return 'overflow';
    parts.push(cmd.data);
    if (cmd.chained) {
      this.chain = { ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, parts, length };
      return 'more';
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private select(p1: number, p2: number, aid: Uint8Array): Uint8Array {
    if (p1 !== 0x04) return sw(SW.FILE_NOT_FOUND);
    const noFci = (p2 & 0x0c) === 0x0c;
    if (isPivAid(aid)) {
      // Re-selecting PIV keeps the security state: OpenSC re-selects before every transaction.
      this.selected = 'piv';
      return noFci ? sw(SW.OK) : withSw(PIV_APT, SW.OK);
    }
    if (sameBytes(aid, YUBICO_MGMT_AID)) {
      this.selected = 'management';
      this.applet.deselect();
      const v = this.backend.identity.version;
      return noFci ? sw(SW.OK) : withSw(new Uint8Array(Buffer.from(`${v[0]}.${v[1]}.${v[2]}`, 'ascii')), SW.OK);
    }
    // An unknown application: refused, and the current one stays selected.
    return sw(SW.FILE_NOT_FOUND);
  }

  private respond(data: Uint8Array, status: number, ne: number | undefined): Uint8Array {
    const limit = Math.min(MAX_RESPONSE_CHUNK, ne ?? MAX_RESPONSE_CHUNK);
    if (data.length <= limit) return withSw(data, status);
    const rest = data.subarray(limit);
    this.pendingResponse = rest;
    return withSw(data.subarray(0, limit), 0x6100 | (rest.length >= 256 ? 0 : rest.length));
  }

  private getResponse(cmd: CommandApdu): Uint8Array {
    const pending = this.pendingResponse;
    this.pendingResponse = undefined;
    this.chain = undefined;
    if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(SW.INCORRECT_P1P2);
    if (!pending) return sw(SW.CONDITIONS_NOT_SATISFIED);
    return this.respond(pending, SW.OK, cmd.ne);
  }
}
