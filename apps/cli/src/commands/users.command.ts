import type { Command } from 'commander';
import { api } from '../api-client';
import { printJson, table } from '../output';
import { readSecret } from '../prompt';

type UserView = { id: string; username: string; displayName: string; disabled: boolean; roles: Array<{ role: string; status: string }> };

async function userId(nameOrId: string): Promise<string> {
  if (/^[0-9a-f-]{36}$/.test(nameOrId)) return nameOrId;
  const users = await api<UserView[]>('GET', '/api/v1/users');
  const u = users.find((x) => x.username === nameOrId.toLowerCase());
  if (!u) throw new Error(`no user "${nameOrId}"`);
  return u.id;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('Accounts and roles (admin)');
  users
    .command('list')
    .description('Accounts with their roles')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await api<UserView[]>('GET', '/api/v1/users');
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['USERNAME', 'NAME', 'ROLES', 'DISABLED'],
          list.map((u) => [
            u.username,
            u.displayName,
            u.roles.map((r) => (r.status === 'active' ? r.role : `${r.role} (${r.status})`)).join(', '),
            u.disabled ? 'yes' : '',
          ]),
        )}\n`,
      );
    });
  users
    .command('create')
    .description('Create an account; give it roles with "users grant-role"')
    .requiredOption('-u, --username <name>', 'account name')
    .option('-n, --display-name <name>', 'full name')
    .option('--password-file <file>', 'initial password from this file (else SCM_NEW_PASSWORD, else a prompt)')
    .action(async (o: { username: string; displayName?: string; passwordFile?: string }) => {
      const password = await readSecret({
        file: o.passwordFile,
        envVar: 'SCM_NEW_PASSWORD',
        question: `Initial password for ${o.username}: `,
        confirm: !o.passwordFile,
      });
      const u = await api<UserView>('POST', '/api/v1/users', { username: o.username, displayName: o.displayName ?? o.username, password });
      process.stdout.write(`created ${u.username} (${u.id})\n`);
    });
  users
    .command('grant-role <user> <role>')
    .description('Request a role for a user; a second admin approves it with "approvals approve"')
    .action(async (user: string, role: string) => {
      const r = await api<{ approvalId: string }>('POST', `/api/v1/users/${await userId(user)}/roles`, { role });
      process.stdout.write(`requested ${role} for ${user}; another admin approves with: bin/scm approvals approve ${r.approvalId}\n`);
    });
  users
    .command('revoke-role <user> <role>')
    .description('Revoke a role')
    .action(async (user: string, role: string) => {
      await api('DELETE', `/api/v1/users/${await userId(user)}/roles/${role}`);
      process.stdout.write(`revoked ${role} from ${user}\n`);
    });
  for (const verb of ['disable', 'enable'] as const) {
    users
      .command(`${verb} <user>`)
      .description(verb === 'disable' ? 'Disable an account and end its sessions' : 'Enable an account')
      .action(async (user: string) => {
        await api('POST', `/api/v1/users/${await userId(user)}/${verb}`);
        process.stdout.write(`${verb}d ${user}\n`);
      });
  }
}
