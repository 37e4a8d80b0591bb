import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig, stateSchema } from '@scm/config';
import { pinProblem } from '@scm/personalisation';
import { argon2idKdf, type KdfParams, toPadded, VscError, VscErrorCode } from '@scm/vsc';
import { api, apiUrl } from '../api-client';
import { CliError, printJson, table } from '../output';
import { promptSecret } from '../prompt';
import { printTicket } from './reissue.command';
import { assertLoopback, HostApiError, HostClient, type HostedCard, serveTemporaryCard } from './temporary-card-host';

type Ticket = { approvalId: string; kind: string; subjectHash: string; requiredApprovals: number; expiresAt: string };
type TemporaryCard = {
  id: string;
  label: string;
  cardholder: string;
  serial: string | null;
  host: { workerId: string; name: string; workstation: number };
  state: string;
  expiresAt: string;
  pin: { remaining: number; tries: number };
  certificates: Array<{ slot: string; serial: string; notAfter: string; status: string }>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const id = (s: string): string => {
  if (!UUID.test(s)) throw new CliError(`"${s}" is not a temporary card id`);
  return s;
};

async function firstStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/** `scm temporary-card request|list|show|activate|serve|revoke`. */
export function registerTemporaryCard(program: Command): void {
  const t = program
    .command('temporary-card')
    .description(
      'Temporary cards: a VSC made from a reported card’s escrow (fresh authentication and signature keys, its decryption keys), ' +
        'served by an enrolled host until it expires',
    );

  t.command('request')
    .description('Ask for a temporary card standing in for a reported card; security officers approve it (m-of-n, never you)')
    .requiredOption('--card <ref>', "the reported card's serial or id")
    .requiredOption('--host-worker <id>', 'the enrolled card worker (help-desk workstation or managed PC) that will serve it')
    .option('--days <n>', 'lifetime in days (default: the server’s, 7)')
    .option('--from <source>', 'read the escrow from: any | escrow | archive', 'any')
    .option('--json', 'machine-readable output')
    .action(async (o: { card: string; hostWorker: string; days?: string; from: string; json?: boolean }) => {
      const days = o.days === undefined ? undefined : Number(o.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new CliError('--days is a whole number of days');
      const r = await api<Ticket>('POST', '/api/v1/temporary-cards', { card: o.card, hostWorkerId: o.hostWorker, days, from: o.from });
      if (o.json) return printJson(r);
      printTicket(r, `temporary card for card ${o.card}`);
    });

  t.command('list')
    .option('--card <ref>', "the reported card's serial or id")
    .option('--state <state>', 'issued | active | revoked | expired')
    .option('--json', 'machine-readable output')
    .action(async (o: { card?: string; state?: string; json?: boolean }) => {
      const q = new URLSearchParams({ ...(o.card ? { card: o.card } : {}), ...(o.state ? { state: o.state } : {}) });
      const list = await api<TemporaryCard[]>('GET', `/api/v1/temporary-cards${q.size ? `?${q}` : ''}`);
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['TEMPORARY CARD', 'FOR CARD', 'CARDHOLDER', 'STATE', 'EXPIRES', 'HOST'],
          list.map((x) => [x.id, x.serial, x.cardholder, x.state, x.expiresAt, `${x.host.name} (ws${x.host.workstation})`]),
        )}\n`,
      );
    });

  t.command('show')
    .argument('<id>', 'temporary card id (its VSC id and CHUID GUID)')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, o: { json?: boolean }) => {
      const x = await api<TemporaryCard>('GET', `/api/v1/temporary-cards/${id(ref)}`);
      if (o.json) return printJson(x);
      process.stdout.write(
        `${x.label} (${x.id}) for ${x.cardholder}: ${x.state}, expires ${x.expiresAt}; PIN tries ${x.pin.remaining}/${x.pin.tries}; ` +
          `served by ${x.host.name} (workstation ${x.host.workstation})\n`,
      );
      process.stdout.write(
        `${table(
          ['SLOT', 'CERTIFICATE', 'NOT AFTER', 'STATUS'],
          x.certificates.map((c) => [c.slot, c.serial, c.notAfter, c.status]),
        )}\n`,
      );
    });

  t.command('activate')
    .description(
      'After checking the cardholder’s identity, at the terminal where they sit: they type the new PIN here; only its Argon2id ' +
        'output (with a fresh salt) goes to the API, whose HSM turns it into the temporary card’s cardholder path',
    )
    .argument('<id>', 'temporary card id')
    .requiredOption('--identity-check <text>', 'how the identity was checked (audited)')
    .option('--pin-stdin', 'read the PIN from standard input (first line) instead of asking on the terminal')
    .action(async (ref: string, o: { identityCheck: string; pinStdin?: boolean }) => {
      const p = await api<{ kdf: KdfParams; pin: { minLength: number; maxLength: number }; expiresAt: string }>(
        'GET',
        `/api/v1/temporary-cards/${id(ref)}/activation`,
      );
      let pin: string;
      if (o.pinStdin) pin = await firstStdinLine();
      else {
        process.stderr.write(`Choose a PIN of ${p.pin.minLength} to ${p.pin.maxLength} digits for the temporary card.\n`);
        pin = await promptSecret('New PIN: ');
        if ((await promptSecret('Again: ')) !== pin) throw new CliError('the two entries differ');
      }
      const problem = pinProblem(pin, p.pin);
      if (problem) throw new CliError(problem);
      const salt = randomBytes(16);
      const padded = toPadded(pin);
      const stretched = await argon2idKdf(padded, salt, p.kdf);
      padded.fill(0);
      try {
        const r = await api<TemporaryCard>('POST', `/api/v1/temporary-cards/${ref}/activate`, {
          salt: salt.toString('base64'),
          kdfOutput: stretched.toString('base64'),
          identityCheck: o.identityCheck,
        });
        process.stdout.write(
          `temporary card ${r.id} is active until ${r.expiresAt}; its host serves it: bin/scm temporary-card serve ${r.id} --port <vpcd port>\n`,
        );
      } finally {
        stretched.fill(0);
      }
    });

  t.command('serve')
    .description(
      'On the enrolled host: put the temporary card into a local vpcd reader as a PIV card until it is stopped, revoked or expires. ' +
        'Its HSM operations go to the API as this host’s card worker; vpcd must be reachable from loopback only',
    )
    .argument('<id>', 'temporary card id')
    .requiredOption('--port <port>', "the local vpcd reader's TCP port")
    .option('--vpcd-host <host>', 'vpcd address: 127.0.0.1 or ::1 only', '127.0.0.1')
    .option('--workstation <n>', "this host's card worker (default: SCM_WORKSTATION or 0)")
    .option('--check-seconds <n>', 'how often the API is asked whether the card is still valid', '20')
    .action(async (ref: string, o: { port: string; vpcdHost: string; workstation?: string; checkSeconds: string }) => {
      assertLoopback(o.vpcdHost);
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError('--port is a TCP port');
      const ws = Number(o.workstation ?? process.env.SCM_WORKSTATION ?? '0');
      const client = new HostClient(apiUrl(), loadConfig(stateSchema).SCM_STATE_DIR, ws);
      const base = `/api/v1/worker/temporary-cards/${id(ref)}`;
      let hosted: HostedCard;
      try {
        hosted = await client.call<HostedCard>('GET', base);
      } catch (e) {
        if (e instanceof HostApiError) throw new CliError(`temporary card ${ref} is not served: ${e.message} [${e.code}]`);
        throw e;
      }
      let stop: (why: string) => void = () => undefined;
      const stopped = new Promise<string>((r) => (stop = r));
      let served;
      try {
        served = await serveTemporaryCard(client, hosted, {
          host: o.vpcdHost,
          port,
          onClose: () => stop('the vpcd reader closed the connection'),
          onError: (e) => process.stderr.write(`scm: card error: ${e instanceof Error ? e.message : String(e)}\n`),
        });
      } catch (e) {
        if (e instanceof VscError && (e.code === VscErrorCode.Expired || e.code === VscErrorCode.Disabled))
          throw new CliError(`temporary card ${ref} is not served: ${e.message}`);
        if ((e as NodeJS.ErrnoException).code === 'ECONNREFUSED') throw new CliError(`no vpcd reader listens at ${o.vpcdHost}:${port}`);
        throw e;
      }
      process.stdout.write(
        `${hosted.label} (${hosted.id}) served in the vpcd reader at ${o.vpcdHost}:${port} until ${hosted.expiresAt}. Stop with Ctrl-C.\n`,
      );
      const untilExpiry = new Date(hosted.expiresAt).getTime() - Date.now();
      const expiry = setTimeout(() => stop('it expired'), Math.max(0, Math.min(untilExpiry, 2 ** 31 - 1)));
      const check = setInterval(
        () => {
          client
            .call<{ version: number }>('GET', `${base}/status`)
            .then((st) => {
              // Activated again (a new PIN): the version served holds the old PIN slot.
              if (st.version !== hosted.version) stop(`it was activated again (version ${st.version}); serve it again`);
            })
            .catch((e: unknown) => {
              // Revoked, expired or no longer this host's: the card leaves the reader. A network failure waits for the next check.
              if (e instanceof HostApiError && e.status >= 400 && e.status < 500) stop(`${e.message} [${e.code}]`);
            });
        },
        Math.max(1, Number(o.checkSeconds)) * 1000,
      );
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      const why = await stopped;
      clearTimeout(expiry);
      clearInterval(check);
      await served.remove();
      if (why === 'SIGINT' || why === 'SIGTERM') process.stdout.write(`${hosted.label} removed (${why}).\n`);
      else throw new CliError(`${hosted.label} removed: ${why}`);
    });

  t.command('revoke')
    .argument('<id>', 'temporary card id')
    .requiredOption('--reason <text>', 'why (audited)')
    .action(async (ref: string, o: { reason: string }) => {
      const r = await api<TemporaryCard>('POST', `/api/v1/temporary-cards/${id(ref)}/revoke`, { reason: o.reason });
      process.stdout.write(`temporary card ${r.id}: ${r.state}\n`);
    });
}
