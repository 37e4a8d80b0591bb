import type { Command } from 'commander';
import { loadConfig, url } from '@scm/config';
import { CliError, printJson, table } from '../output';

export function registerHealth(program: Command): void {
  program
    .command('health')
    .description('Ask the issuer API for its readiness (PostgreSQL, Redis, HSM)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const { SCM_API_URL } = loadConfig({ SCM_API_URL: url('Issuer API base URL', 'http://127.0.0.1:7400', ['http:', 'https:']) });
      let res: Response;
      try {
        res = await fetch(`${SCM_API_URL}/health`, { signal: AbortSignal.timeout(10000) });
      } catch (e) {
        throw new CliError(`the issuer API at ${SCM_API_URL} does not answer (${(e as Error).message}); is "npm start" running?`);
      }
      const body = (await res.json()) as { status: string; checks: Record<string, { status: string; latencyMs: number; error?: string }> };
      if (o.json) printJson(body);
      else
        process.stdout.write(
          `${table(
            ['CHECK', 'STATUS', 'MS', 'ERROR'],
            Object.entries(body.checks).map(([k, c]) => [k, c.status, c.latencyMs, c.error]),
          )}\n`,
        );
      if (body.status !== 'ok') process.exitCode = 1;
    });
}
