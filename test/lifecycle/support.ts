import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appDb,
  closeOpenCardWork,
  createTestUser,
  type RunningApi,
  type RunningWorker,
  runCli,
  startApi,
  startApprovedWorker,
  TEST_PASSWORD,
  testWorkstations,
  uniqueName,
} from '@scm/test-kit';
import type { HelpdeskStack, Person } from '../helpdesk/support';

async function person(api: RunningApi, dir: string, prefix: string, roles: Parameters<typeof createTestUser>[1]): Promise<Person> {
  const name = uniqueName(prefix);
  const id = await createTestUser(name, roles);
  const session = join(dir, `${name}.session.json`);
  const env = { SCM_API_URL: api.url, SCM_CLI_SESSION_FILE: session, SCM_PASSWORD: TEST_PASSWORD };
  const login = await runCli(['login', '-u', name], { env });
  if (login.code !== 0) throw new Error(`scm login ${name}: ${login.stderr}`);
  const { token } = JSON.parse(readFileSync(session, 'utf8')) as { token: string };
  return { name, id, token, env };
}

/**
 * The help desk's stack (test/helpdesk/support.ts: the API in this process, the people of the flows,
 * approved card workers) with settings of the lifecycle flows (e.g. the escrow retention period).
 */
export async function startLifecycleStack(workstations: number[], env: Record<string, string> = {}): Promise<HelpdeskStack> {
  await closeOpenCardWork();
  const api = await startApi({ SCM_OUTBOX_POLL_MS: '200', SCM_HELPDESK_SWEEP_SECONDS: '1', SCM_RECONCILE_SECONDS: '2', ...env });
  const tmp = mkdtempSync(join(tmpdir(), 'scm-lifecycle-'));
  const db = await appDb();
  const workers = new Map<number, RunningWorker & { id: string }>();
  const [officer, helpdesk, approver0, approver1, admin, auditor] = await Promise.all([
    person(api, tmp, 'officer', ['security-officer']),
    person(api, tmp, 'helpdesk', ['help-desk', 'security-officer']),
    person(api, tmp, 'approver', ['security-officer']),
    person(api, tmp, 'approver', ['security-officer']),
    person(api, tmp, 'admin', ['admin', 'security-officer']),
    person(api, tmp, 'auditor', ['auditor']),
  ]);
  const stack: HelpdeskStack = {
    api,
    db,
    officer,
    helpdesk,
    approvers: [approver0, approver1],
    admin,
    auditor,
    workers,
    tmp,
    async close() {
      await Promise.allSettled([...workers.values()].map((w) => w.stop()));
      await db.end().catch(() => undefined);
      await api.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  const started = await Promise.allSettled(
    workstations.map(async (ws) => {
      const w = testWorkstations().find((x) => x.id === ws)!;
      workers.set(ws, await startApprovedWorker(api, stack.officer.token, w, { SCM_HEARTBEAT_MS: '1000' }));
    }),
  );
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stack.close();
    throw failed.reason;
  }
  return stack;
}
