import { createConnection, type Socket } from 'node:net';
import { loadConfig, stateSchema } from '@scm/config';
import { activationSocketPath, type ActivationClientMessage, type ActivationWorkerMessage, pinProblem } from '@scm/personalisation';
import { CliError } from './output';
import { promptSecret } from './prompt';

const SERIAL = /^[0-9A-Za-z_-]{1,64}$/;
/** How often a PIN is sent again after a passing fault before the command gives up. */
const TRANSIENT_RETRIES = 3;

/** Reads every line the caller piped in (automation); nothing is echoed or logged. */
export async function stdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
}

/** The options `scm activate` and `scm unblock pin` share: which card, and where its worker listens. */
export interface WorkstationPinOptions {
  card: string;
  workstation?: string;
  socket?: string;
  pinStdin?: boolean;
}

/** The worker's answers, one JSON line each. */
function answers(sock: Socket): () => Promise<ActivationWorkerMessage> {
  let buf = '';
  const ready: ActivationWorkerMessage[] = [];
  const waiting: Array<{ ok: (m: ActivationWorkerMessage) => void; ko: (e: Error) => void }> = [];
  let ended: Error | undefined;
  sock.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const m = JSON.parse(buf.slice(0, nl)) as ActivationWorkerMessage;
      buf = buf.slice(nl + 1);
      const w = waiting.shift();
      if (w) w.ok(m);
      else ready.push(m);
    }
  });
  const end = (e: Error) => {
    ended ??= e;
    for (const w of waiting.splice(0)) w.ko(e);
  };
  sock.on('close', () => end(new CliError('the card worker closed the connection')));
  sock.on('error', (e) => end(new CliError(`cannot talk to the card worker: ${e.message}`)));
  return () => {
    const m = ready.shift();
    if (m) return Promise.resolve(m);
    if (ended) return Promise.reject(ended);
    return new Promise((ok, ko) => waiting.push({ ok, ko }));
  };
}

/**
 * The keyboard side at the workstation, for an activation and a PIN unblock alike: the new PIN
 * goes over the card worker's local socket (0600) to the worker, which sets it on the card with the
 * escrowed PUK; the API never sees it. Asks twice on the terminal (or takes the piped lines), says
 * why a PIN is refused, and sends the PIN again after a passing fault the worker marks retryable.
 * Resolves with the card's serial.
 */
export async function typePinAtWorkstation(o: WorkstationPinOptions, what: string): Promise<string> {
  if (!SERIAL.test(o.card)) throw new CliError(`"${o.card}" is not a card serial`);
  const ws = Number(o.workstation ?? process.env.SCM_WORKSTATION ?? '0');
  if (!Number.isInteger(ws) || ws < 0 || ws > 999) throw new CliError('--workstation is a number from 0 to 999');
  const path = o.socket ?? activationSocketPath(loadConfig(stateSchema).SCM_STATE_DIR, ws);
  const pins = o.pinStdin ? await stdinLines() : undefined;
  const sock = await new Promise<Socket>((resolve, reject) => {
    const s = createConnection(path, () => resolve(s));
    s.once('error', (e) => reject(new CliError(`no card worker listens at ${path} (${e.message}); is this workstation's worker running?`)));
  });
  const next = answers(sock);
  const send = (m: ActivationClientMessage) => sock.write(`${JSON.stringify(m)}\n`);
  try {
    send({ op: 'activate', serial: o.card });
    const first = await next();
    if (first.type === 'error') throw new CliError(`${what} of card ${o.card}: ${first.message}`, 2);
    if (first.type !== 'ready') throw new CliError(`unexpected answer from the card worker: ${first.type}`);
    process.stderr.write(`Card ${first.serial}: choose a PIN of ${first.pin.minLength} to ${first.pin.maxLength} digits.\n`);
    for (let i = 0; ; i++) {
      let pin: string;
      if (pins) pin = pins[i] ?? '';
      else {
        pin = await promptSecret('New PIN: ');
        const problem = pinProblem(pin, first.pin);
        if (problem) {
          process.stderr.write(`${problem}\n`);
          continue;
        }
        if ((await promptSecret('Again: ')) !== pin) {
          process.stderr.write('the two entries differ\n');
          continue;
        }
      }
      let m: ActivationWorkerMessage;
      for (let attempt = 1; ; attempt++) {
        send({ op: 'pin', pin });
        m = await next();
        while (m.type === 'progress') {
          process.stderr.write(`${m.message}\n`);
          m = await next();
        }
        // A passing fault (the reader busy, the card reset, an API hiccup): the same PIN again.
        if (m.type !== 'error' || !m.retry || m.code === 'weak-pin' || attempt >= TRANSIENT_RETRIES) break;
        process.stderr.write(`${m.message}; trying again\n`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (m.type === 'done') return m.serial;
      if (m.type === 'error' && m.code === 'weak-pin' && !pins) {
        process.stderr.write(`${m.message}\n`);
        continue;
      }
      throw new CliError(`${what} of card ${o.card} failed: ${m.type === 'error' ? m.message : m.type}`, 3);
    }
  } finally {
    sock.end();
  }
}
