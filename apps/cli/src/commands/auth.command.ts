import type { Command } from 'commander';
import { api, apiUrl, dropSession, loadSession, saveSession, sessionApiUrl } from '../api-client';
import { printJson } from '../output';
import { prompt, readSecret } from '../prompt';

type LoginResult = { token: string; expiresAt: string; user: { username: string; roles: string[] } };

export function registerAuth(program: Command): void {
  program
    .command('login')
    .description('Log in to the issuer API and keep the session for the next commands (~/.config/scm/session.json, mode 0600)')
    .option('-u, --username <name>', 'account name (asked when missing)')
    .option('--password-file <file>', 'read the password from this file (else SCM_PASSWORD, else a prompt)')
    .action(async (o: { username?: string; passwordFile?: string }) => {
      sessionApiUrl(undefined); // refuse a plain-http URL beyond loopback before asking for the password
      const username = o.username ?? process.env.SCM_USERNAME ?? (await prompt('Username: '));
      const password = await readSecret({ file: o.passwordFile, envVar: 'SCM_PASSWORD', question: 'Password: ' });
      const r = await api<LoginResult>('POST', '/api/v1/auth/login', { username, password }, { anonymous: true });
      saveSession({ apiUrl: apiUrl(), token: r.token, username: r.user.username, roles: r.user.roles, expiresAt: r.expiresAt });
      process.stdout.write(
        `logged in as ${r.user.username} (${r.user.roles.join(', ') || 'no roles yet'}); the session ends by ${r.expiresAt}\n`,
      );
    });

  program
    .command('logout')
    .description('End the saved session')
    .action(async () => {
      if (loadSession()) await api('POST', '/api/v1/auth/logout').catch(() => undefined);
      dropSession();
      process.stdout.write('logged out\n');
    });

  program
    .command('whoami')
    .description('Show who the saved session belongs to')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const me = await api<{ username: string; roles: string[]; id: string }>('GET', '/api/v1/auth/me');
      if (o.json) printJson(me);
      else process.stdout.write(`${me.username} (${me.roles.join(', ') || 'no roles'})\n`);
    });

  program
    .command('passwd')
    .description('Change your password')
    .action(async () => {
      const currentPassword = await readSecret({ envVar: 'SCM_PASSWORD', question: 'Current password: ' });
      const newPassword = await readSecret({ envVar: 'SCM_NEW_PASSWORD', question: 'New password: ', confirm: true });
      await api('POST', '/api/v1/users/me/password', { currentPassword, newPassword });
      process.stdout.write('password changed\n');
    });
}
