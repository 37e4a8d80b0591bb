import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { hashPassword, passwordProblem } from '@scm/common';
import { ROLES, type Role } from '@scm/db';
import { CliError } from '../output';
import { readSecret } from '../prompt';
import { ServerContext } from '../server-context';

export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('Server-side administration, run on the SCM host (direct database access)');
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
      const ctx = await ServerContext.open();
      try {
        const id = await ctx.tx(async (em, audit) => {
          const taken = (await em.query(`SELECT 1 FROM app_user WHERE username = $1`, [username])) as unknown[];
          if (taken.length) throw new CliError(`the username "${username}" is taken`);
          const id = randomUUID();
          const now = new Date();
          await em.query(
            `INSERT INTO app_user (id, username, display_name, password_hash, disabled, created_at, password_changed_at) VALUES ($1,$2,$3,$4,false,$5,$5)`,
            [id, username, o.displayName ?? username, await hashPassword(password), now],
          );
          for (const role of o.role as Role[]) {
            await em.query(`INSERT INTO user_role (id, user_id, role, status, requested_at, decided_at) VALUES ($1,$2,$3,'active',$4,$4)`, [
              randomUUID(),
              id,
              role,
              now,
            ]);
          }
          audit({
            ...ServerContext.cliActor('admin-create-user'),
            action: 'user.created',
            targetType: 'user',
            targetId: id,
            outcome: 'success',
            details: { username, roles: o.role, bootstrap: true },
          });
          return id;
        });
        process.stdout.write(`created ${username} (${o.role.join(', ')}), id ${id}\n`);
      } finally {
        await ctx.close();
      }
    });
}
