import { Socket } from 'node:net';
import { setsockopt } from 'sockopt';
import { FrameReader, frame, VpcdControl } from './vpcd-framing';

const IPPROTO_TCP = 6;
const TCP_QUICKACK = 12;

/** What a card must answer to be put into a virtual reader. */
export interface VirtualCard {
  /** Cheap and side-effect free: vpcd asks for it on every presence poll (~400 ms). */
  atr(): Uint8Array;
  powerOn?(): void;
  powerOff?(): void;
  reset?(): void;
  /** A raw C-APDU in, a raw R-APDU (data + SW1 SW2) out. */
  transmit(apdu: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

export interface VpcdConnectorOptions {
  host?: string;
  port: number;
  /** Keep dialling until vpcd accepts (ms between tries); 0 fails at once. */
  retryMs?: number;
  onError?: (e: Error) => void;
  /** The connection ended without `remove()`: vpcd (pcscd) went away, the card is out. */
  onClose?: () => void;
}

/**
 * Puts a card into a vpcd virtual reader: dials the reader's port, answers vpcd's control bytes and
 * APDUs in order. Closing the connection is removing the card. TCP_QUICKACK is set after every
 * read and write because vpcd writes each frame in two parts with Nagle on: with delayed ACKs an
 * APDU costs ~40 ms, and Linux clears QUICKACK by itself.
 */
export class VpcdConnector {
  private socket: Socket | undefined;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();
  apduCount = 0;

  constructor(
    private readonly card: VirtualCard,
    private readonly opts: VpcdConnectorOptions,
  ) {}

  /** Resolves once connected (the card is in the reader). */
  insert(): Promise<void> {
    this.stopped = false;
    return new Promise((resolve, reject) => {
      const attempt = (): void => {
        const s = new Socket();
        const fail = (e: Error): void => {
          s.destroy();
          if (this.stopped) return reject(new Error('stopped'));
          if (this.opts.retryMs) setTimeout(attempt, this.opts.retryMs);
          else reject(e);
        };
        s.once('error', fail);
        s.connect(this.opts.port, this.opts.host ?? '127.0.0.1', () => {
          s.off('error', fail);
          this.attach(s);
          resolve();
        });
      };
      attempt();
    });
  }

  private quickAck(s: Socket): void {
    try {
      setsockopt(s, IPPROTO_TCP, TCP_QUICKACK, 1);
    } catch {
      /* socket already closed */
    }
  }

  private attach(s: Socket): void {
    this.socket = s;
    s.setNoDelay(true);
    this.quickAck(s);
    const reader = new FrameReader();
    s.on('data', (chunk) => {
      this.quickAck(s);
      for (const payload of reader.push(chunk)) {
        const p = Buffer.from(payload);
        // A failure must not stop the chain: every later frame would be left unanswered.
        this.chain = this.chain.then(() => this.handle(s, p)).catch((e: unknown) => this.opts.onError?.(e as Error));
      }
    });
    s.on('error', (e) => this.opts.onError?.(e));
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = undefined;
      if (!this.stopped) this.opts.onClose?.();
    });
  }

  private async handle(s: Socket, p: Buffer): Promise<void> {
    if (p.length === 1) {
      switch (p[0]) {
        case VpcdControl.PowerOff:
          this.card.powerOff?.();
          return;
        case VpcdControl.PowerOn:
          this.card.powerOn?.();
          return;
        case VpcdControl.Reset:
          this.card.reset?.();
          return;
        case VpcdControl.GetAtr:
          this.write(s, this.card.atr());
          return;
        default:
          return;
      }
    }
    this.apduCount++;
    let rapdu: Uint8Array;
    try {
      rapdu = await this.card.transmit(p);
    } catch (e) {
      this.opts.onError?.(e as Error);
      rapdu = Uint8Array.of(0x6f, 0x00);
    }
    this.write(s, rapdu);
  }

  private write(s: Socket, payload: Uint8Array): void {
    if (s.destroyed) return;
    s.write(frame(payload));
    this.quickAck(s);
  }

  get inserted(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  /** Takes the card out of the reader. */
  async remove(): Promise<void> {
    this.stopped = true;
    const s = this.socket;
    this.socket = undefined;
    if (!s || s.destroyed) return;
    await new Promise<void>((r) => {
      s.once('close', () => r());
      s.destroy();
    });
  }
}
