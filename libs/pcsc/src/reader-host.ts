/**
 * Child process that does the card I/O of one reader, one card session after another (a card
 * worker keeps one per reader for its whole life). The card channel in the parent gives every
 * request a deadline and kills this process when it passes: pcsclite runs SCardTransmit on the
 * libuv pool but holds a per-reader mutex that its status callbacks also take on the main thread,
 * so a card that never answers could stall a process that shared its pcsclite context.
 */
import pcsclite from 'pcsclite';
import type { HostReply, HostRequest } from './reader-host.protocol';

type Ctx = ReturnType<typeof pcsclite>;
type Reader = Ctx extends { on(e: 'reader', l: (r: infer R) => void): unknown } ? R : never;

const ctx: Ctx = pcsclite();
const readers = new Map<string, Reader>();
const waiting = new Map<string, Array<(r: Reader) => void>>();
let current: Reader | undefined;
let protocol = 0;

ctx.on('error', () => undefined);
/** The ATR of the card in each reader, from the status pcsclite follows for every reader it finds. */
const atrs = new Map<string, string>();
const atrWaiters: Array<() => void> = [];

/** The ATR of the reader's card, waiting a little for pcsclite's first status of a reader just found. */
async function atrOf(name: string, timeoutMs: number): Promise<string> {
  const t0 = Date.now();
  while (!atrs.has(name) && Date.now() - t0 < timeoutMs)
    await new Promise<void>((res) => {
      const t = setTimeout(res, 50);
      atrWaiters.push(() => {
        clearTimeout(t);
        res();
      });
    });
  return atrs.get(name) ?? '';
}

ctx.on('reader', (r) => {
  readers.set(r.name, r);
  r.on('error', () => undefined);
  r.on('end', () => readers.delete(r.name));
  r.on('status', (s: { state: number; atr?: Buffer }) => {
    const present = (s.state & r.SCARD_STATE_PRESENT) !== 0;
    if (present && s.atr?.length) atrs.set(r.name, s.atr.toString('hex').toUpperCase());
    else atrs.delete(r.name);
    for (const w of atrWaiters.splice(0)) w();
  });
  for (const w of waiting.get(r.name) ?? []) w(r);
  waiting.delete(r.name);
});

function reply(m: HostReply): void {
  process.send?.(m);
}

function findReader(name: string, timeoutMs: number): Promise<Reader> {
  const r = readers.get(name);
  if (r) return Promise.resolve(r);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('SCardConnect error: Unknown reader specified.(0x80100009)')), timeoutMs);
    const list = waiting.get(name) ?? [];
    list.push((x) => {
      clearTimeout(t);
      resolve(x);
    });
    waiting.set(name, list);
  });
}

async function handle(m: HostRequest): Promise<HostReply> {
  switch (m.op) {
    case 'connect': {
      // A long-lived host: a session its owner never closed (it lost track of it) ends here, or its
      // exclusive hold would refuse this connect.
      if (current) {
        const prev = current;
        current = undefined;
        await new Promise<void>((res) => prev.disconnect(prev.SCARD_LEAVE_CARD, () => res()));
      }
      const r = await findReader(m.reader, 2000);
      const share = m.share === 'exclusive' ? r.SCARD_SHARE_EXCLUSIVE : r.SCARD_SHARE_SHARED;
      const proto = m.protocols.reduce((acc, p) => acc | (p === 'T0' ? r.SCARD_PROTOCOL_T0 : r.SCARD_PROTOCOL_T1), 0);
      protocol = await new Promise<number>((res, rej) =>
        r.connect({ share_mode: share, protocol: proto }, (err, p) => (err ? rej(err) : res(p))),
      );
      current = r;
      // Not r.get_status(): each call starts one more status thread in pcsclite, and a second one
      // waiting in SCardGetStatusChange now and then held up this process's next connect or APDU
      // until the reader's state changed (seen as a card that did not answer for the whole deadline).
      const atr = await atrOf(r.name, 1000);
      return { id: m.id, ok: true, protocol: protocol === r.SCARD_PROTOCOL_T0 ? 'T0' : 'T1', atr };
    }
    case 'transmit': {
      const r = current;
      if (!r) return { id: m.id, ok: false, error: 'SCardTransmit error: Invalid handle.(0x80100003)' };
      const data = await new Promise<Buffer>((res, rej) =>
        r.transmit(Buffer.from(m.apdu), 65538, protocol, (err, d) => (err ? rej(err) : res(d))),
      );
      return { id: m.id, ok: true, data: new Uint8Array(data) };
    }
    case 'disconnect': {
      const r = current;
      current = undefined;
      if (!r) return { id: m.id, ok: true };
      const disp = m.disposition === 'leave' ? r.SCARD_LEAVE_CARD : m.disposition === 'reset' ? r.SCARD_RESET_CARD : r.SCARD_UNPOWER_CARD;
      await new Promise<void>((res, rej) => r.disconnect(disp, (err) => (err ? rej(err) : res())));
      return { id: m.id, ok: true };
    }
  }
}

process.on('message', (m: HostRequest) => {
  handle(m).then(reply, (e: unknown) => reply({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }));
});
process.on('disconnect', () => process.exit(0));
