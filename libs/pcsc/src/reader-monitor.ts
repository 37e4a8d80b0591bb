import { EventEmitter } from 'node:events';
import pcsclite from 'pcsclite';
import { mapPcscError, PcscError } from './pcsc-errors';

// SCARD_STATE_* bits (pcsclite.h)
const STATE_EMPTY = 0x10;
const STATE_PRESENT = 0x20;
const STATE_EXCLUSIVE = 0x80;
const STATE_INUSE = 0x100;
const STATE_MUTE = 0x200;

export interface ReaderInfo {
  name: string;
  cardPresent: boolean;
  /** Upper-case hex, or null without a card. */
  atr: string | null;
  /** A card is present but did not answer the reset. */
  mute: boolean;
  /** Another process holds the card (in use / exclusively). */
  inUse: boolean;
}

export interface ReaderMonitorEvents {
  'reader-added': [ReaderInfo];
  'reader-removed': [string];
  'card-inserted': [ReaderInfo];
  'card-removed': [ReaderInfo];
  changed: [ReaderInfo];
  error: [PcscError];
}

type PcscReader = ReturnType<typeof pcsclite> extends { on(e: 'reader', l: (r: infer R) => void): unknown } ? R : never;

/**
 * Follows the readers of this process's pcscd (PCSCLITE_CSOCK_NAME) and the cards in them.
 * Status only: card I/O never runs in this process's pcsclite context (see card-channel.ts).
 */
export class ReaderMonitor extends EventEmitter<ReaderMonitorEvents> {
  private readonly readers = new Map<string, ReaderInfo>();
  private readonly handles = new Map<string, PcscReader>();
  private ctx: ReturnType<typeof pcsclite> | undefined;
  private lastEvent = Date.now();
  private started = false;

  start(): this {
    if (this.started) return this;
    this.started = true;
    const ctx = pcsclite();
    this.ctx = ctx;
    ctx.on('error', (e: unknown) => {
      this.lastEvent = Date.now();
      this.emit('error', mapPcscError(e));
    });
    ctx.on('reader', (r) => {
      this.lastEvent = Date.now();
      const info: ReaderInfo = { name: r.name, cardPresent: false, atr: null, mute: false, inUse: false };
      this.readers.set(r.name, info);
      this.handles.set(r.name, r);
      let first = true;
      r.on('error', (e: unknown) => this.emit('error', mapPcscError(e, r.name)));
      r.on('end', () => {
        this.lastEvent = Date.now();
        this.readers.delete(r.name);
        this.handles.delete(r.name);
        this.emit('reader-removed', r.name);
      });
      r.on('status', (s) => {
        this.lastEvent = Date.now();
        const present = (s.state & STATE_PRESENT) !== 0 && (s.state & STATE_EMPTY) === 0;
        const before = { ...info };
        info.cardPresent = present;
        info.atr = present && s.atr && s.atr.length > 0 ? s.atr.toString('hex').toUpperCase() : null;
        info.mute = present && (s.state & STATE_MUTE) !== 0;
        info.inUse = (s.state & (STATE_INUSE | STATE_EXCLUSIVE)) !== 0;
        if (first) {
          first = false;
          this.emit('reader-added', { ...info });
          if (present) this.emit('card-inserted', { ...info });
          return;
        }
        if (!before.cardPresent && present) this.emit('card-inserted', { ...info });
        else if (before.cardPresent && !present) this.emit('card-removed', { ...info });
        else if (before.atr !== info.atr) {
          // A new card replaced the old one between two polls.
          this.emit('card-removed', { ...before, cardPresent: false, atr: null });
          this.emit('card-inserted', { ...info });
        }
        this.emit('changed', { ...info });
      });
    });
    return this;
  }

  list(): ReaderInfo[] {
    return [...this.readers.values()].map((r) => ({ ...r })).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): ReaderInfo | undefined {
    const r = this.readers.get(name);
    return r ? { ...r } : undefined;
  }

  /** Resolves once no reader event has arrived for `quietMs` (or after `maxMs`), with the list. */
  async settle(quietMs = 250, maxMs = 3000): Promise<ReaderInfo[]> {
    this.start();
    const t0 = Date.now();
    for (;;) {
      const now = Date.now();
      if (now - this.lastEvent >= quietMs || now - t0 >= maxMs) return this.list();
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits until `predicate` holds for the named reader, or rejects after `timeoutMs`. */
  waitFor(name: string, predicate: (r: ReaderInfo) => boolean, timeoutMs = 5000): Promise<ReaderInfo> {
    this.start();
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const r = this.readers.get(name);
        if (r && predicate(r)) {
          cleanup();
          resolve({ ...r });
          return true;
        }
        return false;
      };
      const onEvent = (): void => void check();
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting on reader "${name}"`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        for (const e of ['changed', 'reader-added', 'card-inserted', 'card-removed'] as const) this.off(e, onEvent);
      };
      for (const e of ['changed', 'reader-added', 'card-inserted', 'card-removed'] as const) this.on(e, onEvent);
      check();
    });
  }

  close(): void {
    for (const h of this.handles.values()) {
      try {
        h.close();
      } catch {
        /* already closed */
      }
    }
    this.handles.clear();
    this.ctx?.close();
    this.ctx = undefined;
    this.started = false;
  }
}
