import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson, table } from '../output';
import { serverOperation } from '../server-operation';

type WorkerView = {
  id: string;
  name: string;
  host: string;
  workstation: number;
  fingerprint: string;
  status: string;
  suspendedReason?: string;
  lastSeenAt: string | null;
  online?: boolean;
};

const norm = (s: string): string => s.replace(/[-:\s]/g, '').toUpperCase();

/** Finds a worker by id or by (a long enough prefix of) its fingerprint. */
export async function findWorker(ref: string): Promise<WorkerView> {
  const list = await api<WorkerView[]>('GET', '/api/v1/workers');
  const byId = list.find((w) => w.id === ref);
  if (byId) return byId;
  const n = norm(ref);
  if (n.length < 16 || !/^[0-9A-F]+$/.test(n)) throw new CliError('give the worker id or at least 16 hex digits of its fingerprint');
  const hits = list.filter((w) => norm(w.fingerprint).startsWith(n));
  if (hits.length === 0) throw new CliError(`no worker with fingerprint ${ref}`);
  if (hits.length > 1) throw new CliError(`${hits.length} workers match ${ref}; give more of the fingerprint`);
  return hits[0];
}

export function registerWorker(program: Command): void {
  const w = program.command('worker').description('Card workers: enrolled machines an officer approves');
  w.command('list')
    .description('Registered workers, their fingerprints and status')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await api<WorkerView[]>('GET', '/api/v1/workers');
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['ID', 'NAME', 'WS', 'STATUS', 'ONLINE', 'FINGERPRINT'],
          list.map((x) => [
            x.id,
            x.name,
            x.workstation,
            x.suspendedReason ? `${x.status} (${x.suspendedReason})` : x.status,
            x.online ? 'yes' : 'no',
            x.fingerprint,
          ]),
        )}\n`,
      );
    });
  w.command('approve <fingerprint-or-id>')
    .description(
      'Approve a worker: give the fingerprint its console shows (or its id and --fingerprint); also re-approves a worker the API suspended',
    )
    .option('--fingerprint <fp>', 'the fingerprint read on the worker console, when approving by id')
    .action(async (ref: string, o: { fingerprint?: string }) => {
      const worker = await findWorker(ref);
      const fp = o.fingerprint ?? (worker.id === ref ? undefined : worker.fingerprint);
      if (!fp) throw new CliError('approving by id needs --fingerprint, read on the worker console');
      if (!norm(worker.fingerprint).startsWith(norm(fp)) || norm(fp).length < 16)
        throw new CliError('the fingerprint does not match that worker');
      const r = await api<WorkerView>('POST', `/api/v1/workers/${worker.id}/approve`, { fingerprint: worker.fingerprint });
      process.stdout.write(`approved ${r.name} (workstation ${r.workstation}), fingerprint ${r.fingerprint}\n`);
    });
  w.command('revoke <fingerprint-or-id>')
    .description('Revoke a worker: its sessions end at once')
    .action(async (ref: string) => {
      const worker = await findWorker(ref);
      await api('POST', `/api/v1/workers/${worker.id}/revoke`);
      process.stdout.write(`revoked ${worker.name}\n`);
    });
  w.command('enroll-token')
    .description('A one-time enrolment token for a new worker (shown once)')
    .option('-w, --workstation <n>', 'bind it to one workstation', (v) => parseInt(v, 10))
    .option('--ttl-hours <h>', 'validity in hours (default 24)', (v) => parseInt(v, 10))
    .option('--local', "on the SCM host itself, through the issuer API's use case without logging in (used by scripts/setup)")
    .option('--write-file <file>', 'write the token to this file (mode 0600) instead of printing it')
    .action(async (o: { workstation?: number; ttlHours?: number; local?: boolean; writeFile?: string }) => {
      let token: string;
      let expiresAt: string;
      if (o.local) {
        ({ token, expiresAt } = await serverOperation<{ token: string; expiresAt: string }>('create-enrollment-token', {
          workstation: o.workstation ?? null,
          ttlHours: o.ttlHours ?? 24 * 30,
        }));
      } else {
        ({ token, expiresAt } = await api<{ token: string; expiresAt: string }>('POST', '/api/v1/workers/enrollment-tokens', {
          workstation: o.workstation,
          ttlHours: o.ttlHours,
        }));
      }
      if (o.writeFile) {
        mkdirSync(dirname(o.writeFile), { recursive: true, mode: 0o700 });
        writeFileSync(o.writeFile, token, { mode: 0o600 });
        chmodSync(o.writeFile, 0o600);
        process.stdout.write(`enrolment token written to ${o.writeFile} (valid until ${expiresAt})\n`);
      } else process.stdout.write(`${token}\n(valid until ${expiresAt}; give it to the worker as SCM_ENROLLMENT_TOKEN)\n`);
    });
}
