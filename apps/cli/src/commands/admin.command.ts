import type { Command } from 'commander';
import { passwordProblem } from '@scm/common';
import { ROLES } from '@scm/db';
import { CliError } from '../output';
import { readSecret } from '../prompt';
import { serverOperation } from '../server-operation';

export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description("Server-side administration, run on the SCM host (the issuer API's own use cases, in a process of their own)");
  admin
    .command('create-user')
    .description('Create an account with active roles without approval — the bootstrap of the first admins. Audited.')
    .requiredOption('-u, --username <name>', 'account name')
    .option('-n, --display-name <name>', 'full name')
    .option('-r, --role <role...>', `roles (${ROLES.join(', ')})`, ['admin'])
    .option('--password-file <file>', 'read the password from this file (else SCM_PASSWORD, else a prompt)')
    .action(async (o: { username: string; displayName?: string; role: string[]; passwordFile?: string }) => {
      const username = o.username.trim().toLowerCase();
      if (!/^[a-z0-9][a-z0-9._-]{1,62}$/.test(username)) throw new CliError('the username must be 2-63 characters: letters, digits, . _ -');
      const bad = o.role.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (bad.length) throw new CliError(`unknown role(s) ${bad.join(', ')}; roles: ${ROLES.join(', ')}`);
      const password = await readSecret({
        file: o.passwordFile,
        envVar: 'SCM_PASSWORD',
        question: `Password for ${username}: `,
        confirm: !o.passwordFile,
      });
      const problem = passwordProblem(password, username);
      if (problem) throw new CliError(`the password ${problem}`);
      const user = await serverOperation<{ id: string }>('bootstrap-user', {
        username,
        displayName: o.displayName,
        password,
        roles: o.role,
      });
      process.stdout.write(`created ${username} (${o.role.join(', ')}), id ${user.id}\n`);
    });
}
