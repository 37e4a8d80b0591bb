import { createConnection, type Socket } from 'node:net';
import type { Command } from 'commander';
import { loadConfig, stateSchema } from '@scm/config';
import { activationSocketPath, type ActivationClientMessage, type ActivationWorkerMessage, pinProblem } from '@scm/personalisation';
import { api } from '../api-client';
import { CliError, printJson } from '../output';
import { promptSecret } from '../prompt';

type Unblock = { id: string; serial: string; workstation: number; state: string; expiresAt: string };

const SERIAL = /^[0-9A-Za-z_-]{1,64}$/;

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
 * The keyboard side at the workstation: the new PIN goes over the card worker's local socket
 * (0600) to the worker, which sets it on the card with the escrowed PUK. It serves an unblock
 * session (and an activation session alike: the worker does the same for both).
 */
export async function typePinAtWorkstation(o: { card: string; socket: string; pins?: string[] }): Promise<string> {
  const sock = await new Promise<Socket>((resolve, reject) => {
    const s = createConnection(o.socket, () => resolve(s));
    s.once('error', (e) =>
      reject(new CliError(`no card worker listens at ${o.socket} (${e.message}); is this workstation's worker running?`)),
    );
  });
  const next = answers(sock);
  const send = (m: ActivationClientMessage) => sock.write(`${JSON.stringify(m)}\n`);
  try {
    send({ op: 'activate', serial: o.card });
    const first = await next();
    if (first.type === 'error') throw new CliError(`card ${o.card}: ${first.message}`, 2);
    if (first.type !== 'ready') throw new CliError(`unexpected answer from the card worker: ${first.type}`);
    process.stderr.write(`Card ${first.serial}: choose a new PIN of ${first.pin.minLength} to ${first.pin.maxLength} digits.\n`);
    for (let i = 0; ; i++) {
      let pin: string;
      if (o.pins) pin = o.pins[i] ?? '';
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
      send({ op: 'pin', pin });
      let m = await next();
      while (m.type === 'progress') m = await next();
      if (m.type === 'done') return m.serial;
      if (m.type === 'error' && m.code === 'weak-pin' && !o.pins) {
        process.stderr.write(`${m.message}\n`);
        continue;
      }
      throw new CliError(`card ${o.card}: ${m.type === 'error' ? m.message : m.type}`, 3);
    }
  } finally {
    sock.end();
  }
}

async function stdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
}

/** `scm unblock start` (help desk, after an identity check) and `scm unblock pin` (the cardholder, at the workstation). */
export function registerUnblock(program: Command): void {
  const u = program
    .command('unblock')
    .description('PIN unblock: the cardholder chooses a new PIN at a workstation; its worker sets it with the escrowed PUK (never shown)');
  u.command('start')
    .description("After checking the cardholder's identity, open an unblock session for an active card at a workstation")
    .requiredOption('--card <serial>', "the card's serial")
    .requiredOption('--workstation <n>', 'the workstation where the cardholder types the new PIN')
    .requiredOption('--identity-check <text>', 'how the identity was checked (audited)')
    .option('--json', 'machine-readable output')
    .action(async (o: { card: string; workstation: string; identityCheck: string; json?: boolean }) => {
      const ws = Number(o.workstation);
      if (!Number.isInteger(ws) || ws < 0 || ws > 999) throw new CliError('--workstation is a number from 0 to 999');
      const r = await api<Unblock>('POST', '/api/v1/pin-unblocks', { card: o.card, workstation: ws, identityCheck: o.identityCheck });
      if (o.json) return printJson(r);
      process.stdout.write(`unblock session ${r.id} for card ${r.serial} open at workstation ${r.workstation} until ${r.expiresAt}\n`);
      process.stdout.write(`at that workstation the cardholder runs: bin/scm unblock pin --card ${r.serial}\n`);
    });
  u.command('pin')
    .description("The cardholder's side, at the workstation holding the card: type the new PIN (it goes to the card only)")
    .requiredOption('--card <serial>', "the card's serial")
    .option('--workstation <n>', 'this workstation (default: SCM_WORKSTATION or 0)')
    .option('--socket <path>', "the card worker's local socket (default: <state dir>/worker/ws<N>.activation.sock)")
    .option('--pin-stdin', 'read the PIN from standard input (first line) instead of the terminal')
    .action(async (o: { card: string; workstation?: string; socket?: string; pinStdin?: boolean }) => {
      if (!SERIAL.test(o.card)) throw new CliError(`"${o.card}" is not a card serial`);
      const ws = Number(o.workstation ?? process.env.SCM_WORKSTATION ?? '0');
      if (!Number.isInteger(ws) || ws < 0 || ws > 999) throw new CliError('--workstation is a number from 0 to 999');
      const socket = o.socket ?? activationSocketPath(loadConfig(stateSchema).SCM_STATE_DIR, ws);
      const serial = await typePinAtWorkstation({ card: o.card, socket, pins: o.pinStdin ? await stdinLines() : undefined });
      process.stdout.write(`card ${serial}: the new PIN is set\n`);
    });
}
