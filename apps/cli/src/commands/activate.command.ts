import { createConnection, type Socket } from 'node:net';
import type { Command } from 'commander';
import { loadConfig, stateSchema } from '@scm/config';
import { activationSocketPath, type ActivationClientMessage, type ActivationWorkerMessage, pinProblem } from '@scm/personalisation';
import { api } from '../api-client';
import { CliError, printJson, table } from '../output';
import { promptSecret } from '../prompt';

type Activation = {
  id: string;
  cardId: string;
  serial: string;
  workstation: number;
  state: string;
  startedBy: string;
  identityCheck: string;
  expiresAt: string;
  closedAt: string | null;
  failure: string | null;
};

const SERIAL = /^[0-9A-Za-z_-]{1,64}$/;

/** Reads every line the caller piped in (automation); nothing is echoed or logged. */
async function stdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
}

/** One JSON line at a time from the worker's socket. */
function lineReader(sock: Socket): () => Promise<ActivationWorkerMessage> {
  let buf = '';
  const queue: ActivationWorkerMessage[] = [];
  const waiters: Array<{ ok: (m: ActivationWorkerMessage) => void; ko: (e: Error) => void }> = [];
  let closed: Error | undefined;
  sock.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, nl)) as ActivationWorkerMessage;
      buf = buf.slice(nl + 1);
      const w = waiters.shift();
      if (w) w.ok(m);
      else queue.push(m);
    }
  });
  const end = (e: Error) => {
    closed = e;
    for (const w of waiters.splice(0)) w.ko(e);
  };
  sock.on('close', () => end(new CliError('the card worker closed the connection')));
  sock.on('error', (e) => end(new CliError(`cannot talk to the card worker: ${e.message}`)));
  return () => {
    const m = queue.shift();
    if (m) return Promise.resolve(m);
    if (closed) return Promise.reject(closed);
    return new Promise((ok, ko) => waiters.push({ ok, ko }));
  };
}

/** How often a PIN is sent again after a passing fault before the command gives up. */
const TRANSIENT_RETRIES = 3;

export function registerActivate(program: Command): void {
  program
    .command('activate')
    .description(
      "The cardholder's side of activation, run at the workstation where the card is: asks for the new PIN on this terminal and " +
        "hands it to this workstation's card worker over its local socket; the worker sets it on the card with the escrowed PUK. " +
        'An officer or the help desk must first open the activation (scm activation start) after checking identity. ' +
        'The PIN never goes to the API.',
    )
    .requiredOption('--card <serial>', "the card's serial")
    .option('--workstation <n>', 'this workstation (default: SCM_WORKSTATION or 0)')
    .option('--socket <path>', "the card worker's activation socket (default: <state dir>/worker/ws<N>.activation.sock)")
    .option('--pin-stdin', 'read the PIN from standard input (first line) instead of asking on the terminal')
    .action(async (o: { card: string; workstation?: string; socket?: string; pinStdin?: boolean }) => {
      if (!SERIAL.test(o.card)) throw new CliError(`"${o.card}" is not a card serial`);
      const ws = Number(o.workstation ?? process.env.SCM_WORKSTATION ?? '0');
      if (!Number.isInteger(ws) || ws < 0 || ws > 999) throw new CliError('--workstation is a number from 0 to 999');
      const path = o.socket ?? activationSocketPath(loadConfig(stateSchema).SCM_STATE_DIR, ws);
      const piped = o.pinStdin ? await stdinLines() : undefined;
      const sock = await new Promise<Socket>((resolve, reject) => {
        const s = createConnection(path, () => resolve(s));
        s.once('error', (e) =>
          reject(new CliError(`no card worker listens at ${path} (${e.message}); is this workstation's worker running?`)),
        );
      });
      const next = lineReader(sock);
      const send = (m: ActivationClientMessage) => sock.write(`${JSON.stringify(m)}\n`);
      try {
        send({ op: 'activate', serial: o.card });
        const ready = await next();
        if (ready.type === 'error') throw new CliError(`activation of card ${o.card}: ${ready.message}`, 2);
        if (ready.type !== 'ready') throw new CliError(`unexpected answer from the worker: ${ready.type}`);
        process.stderr.write(`Card ${ready.serial}: choose a PIN of ${ready.pin.minLength} to ${ready.pin.maxLength} digits.\n`);
        for (let tries = 0; ; tries++) {
          let pin: string;
          if (piped) pin = piped[tries] ?? '';
          else {
            pin = await promptSecret('New PIN: ');
            const problem = pinProblem(pin, ready.pin);
            if (problem) {
              process.stderr.write(`${problem}\n`);
              continue;
            }
            if ((await promptSecret('Again: ')) !== pin) {
              process.stderr.write('the two entries differ\n');
              continue;
            }
          }
          let m: Awaited<ReturnType<typeof next>>;
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
          if (m.type === 'done') {
            process.stdout.write(`card ${m.serial} is active: its PIN is set\n`);
            return;
          }
          if (m.type === 'error' && m.code === 'weak-pin' && !piped) {
            process.stderr.write(`${m.message}\n`);
            continue;
          }
          throw new CliError(`activation of card ${o.card} failed: ${m.type === 'error' ? m.message : m.type}`, 3);
        }
      } finally {
        sock.end();
      }
    });

  const activation = program
    .command('activation')
    .description('Activation sessions: opened by an officer or the help desk after an identity check');
  activation
    .command('start')
    .description("After checking the cardholder's identity, let them set the PIN of an issued card at a workstation (scm activate there)")
    .requiredOption('--card <serial>', "the card's serial")
    .requiredOption('--workstation <n>', 'the workstation where the cardholder types the PIN')
    .requiredOption('--identity-check <text>', 'how the identity was checked (kept in the audit trail)')
    .option('--json', 'machine-readable output')
    .action(async (o: { card: string; workstation: string; identityCheck: string; json?: boolean }) => {
      const r = await api<Activation>('POST', '/api/v1/activations', {
        card: o.card,
        workstation: Number(o.workstation),
        identityCheck: o.identityCheck,
      });
      if (o.json) return printJson(r);
      process.stdout.write(`activation ${r.id} of card ${r.serial} open at workstation ${r.workstation} until ${r.expiresAt}\n`);
      process.stdout.write(`at that workstation: bin/scm activate --card ${r.serial}\n`);
    });
  activation
    .command('show')
    .argument('<id>', 'activation id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const r = await api<Activation>('GET', `/api/v1/activations/${encodeURIComponent(id)}`);
      if (o.json) return printJson(r);
      process.stdout.write(
        `${table(
          ['ID', 'CARD', 'WORKSTATION', 'STATE', 'BY', 'EXPIRES', 'FAILURE'],
          [[r.id, r.serial, r.workstation, r.state, r.startedBy, r.expiresAt, r.failure]],
        )}\n`,
      );
    });
  activation
    .command('cancel')
    .argument('<id>', 'activation id')
    .action(async (id: string) => {
      const r = await api<Activation>('POST', `/api/v1/activations/${encodeURIComponent(id)}/cancel`);
      process.stdout.write(`activation ${r.id}: ${r.state}\n`);
    });
}
