import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson, table } from '../output';
import { prompt } from '../prompt';

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
      .description(
        `${decision === 'approve' ? 'Approve' : 'Reject'} a request: shows exactly what it authorises and asks for confirmation; ` +
          'the decision is bound to the subject shown (its hash)',
      )
      .option('--yes', 'do not ask for confirmation (scripts); the subject is still printed')
      .action(async (id: string, o: { yes?: boolean }) => {
        const list = await api<ApprovalView[]>('GET', '/api/v1/approvals?status=pending');
        const a = list.find((x) => x.id === id);
        if (!a) throw new CliError(`no pending request ${id}: see "bin/scm approvals list"`);
        process.stderr.write(
          `${decision} ${a.kind} ${a.id}\n` +
            `  subject:      ${JSON.stringify(a.subject, null, 2).replace(/\n/g, '\n  ')}\n` +
            `  subject hash: ${a.subjectHash}\n` +
            `  approvals:    ${a.approvals}/${a.requiredApprovals} (${a.approverRole}); expires ${a.expiresAt}\n`,
        );
        if (!o.yes) {
          if (!process.stdin.isTTY) throw new CliError(`confirm on a terminal, or pass --yes to ${decision} without asking`);
          const answer = await prompt(`${decision === 'approve' ? 'Approve' : 'Reject'} exactly this? [y/N] `);
          if (!/^y(es)?$/i.test(answer)) throw new CliError('nothing decided');
        }
        const r = await api<{ status: string; approvals: number; requiredApprovals: number }>(
          'POST',
          `/api/v1/approvals/${id}/${decision}`,
          { subjectHash: a.subjectHash },
        );
        process.stdout.write(`${id}: ${r.status} (${r.approvals}/${r.requiredApprovals} approvals)\n`);
      });
  }
}
