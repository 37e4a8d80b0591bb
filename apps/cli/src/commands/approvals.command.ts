import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson, table } from '../output';

type ApprovalView = {
  id: string;
  kind: string;
  subject: Record<string, unknown>;
  subjectHash: string;
  approverRole: string;
  requiredApprovals: number;
  approvals: number;
  requestedBy: string;
  expiresAt: string;
  status: string;
};

export function registerApprovals(program: Command): void {
  const ap = program.command('approvals').description('Dual control: requests waiting for approval');
  ap.command('list')
    .description('Pending requests (or --status S)')
    .option('--status <status>', 'pending | approved | rejected | expired | executed', 'pending')
    .option('--json', 'machine-readable output')
    .action(async (o: { status: string; json?: boolean }) => {
      const list = await api<ApprovalView[]>('GET', `/api/v1/approvals?status=${encodeURIComponent(o.status)}`);
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['ID', 'KIND', 'SUBJECT', 'APPROVALS', 'BY ROLE', 'EXPIRES'],
          list.map((a) => [a.id, a.kind, JSON.stringify(a.subject), `${a.approvals}/${a.requiredApprovals}`, a.approverRole, a.expiresAt]),
        )}\n`,
      );
    });
  for (const decision of ['approve', 'reject'] as const) {
    ap.command(`${decision} <id>`)
      .description(`${decision === 'approve' ? 'Approve' : 'Reject'} a request, bound to the subject shown`)
      .action(async (id: string) => {
        const list = await api<ApprovalView[]>('GET', '/api/v1/approvals?status=pending');
        const a = list.find((x) => x.id === id);
        if (!a) throw new CliError(`no pending request ${id}`);
        process.stderr.write(`${decision}: ${a.kind} ${JSON.stringify(a.subject)}\n`);
        const r = await api<{ status: string; approvals: number; requiredApprovals: number }>(
          'POST',
          `/api/v1/approvals/${id}/${decision}`,
          { subjectHash: a.subjectHash },
        );
        process.stdout.write(`${id}: ${r.status} (${r.approvals}/${r.requiredApprovals} approvals)\n`);
      });
  }
}
