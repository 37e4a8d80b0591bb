import type { Command } from 'commander';
import { api } from '../api-client';
import { printJson, table } from '../output';

type Profile = {
  id: string;
  description: string;
  isDefault: boolean;
  definition: {
    slots: Record<string, { algorithm: string; template: string; escrow: string }>;
    pin: { minLength: number; maxLength: number; tries: number };
    puk: { length: number; tries: number };
    managementKey: { algorithm: string };
    validityDays: number;
  };
};

export function registerProfile(program: Command): void {
  const pr = program.command('profile').description('Card profiles: per slot algorithm, certificate template and escrow policy');
  pr.command('list')
    .description('Card profiles')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await api<Profile[]>('GET', '/api/v1/profiles');
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['ID', 'DEFAULT', 'SLOTS (escrow policy)', 'DESCRIPTION'],
          list.map((p) => [
            p.id,
            p.isDefault ? 'yes' : '',
            Object.entries(p.definition.slots)
              .map(([s, x]) => `${s}:${x.escrow}`)
              .join(' '),
            p.description,
          ]),
        )}\n`,
      );
    });
  pr.command('show <id>')
    .description('One card profile')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const p = await api<Profile>('GET', `/api/v1/profiles/${encodeURIComponent(id)}`);
      if (o.json) return printJson(p);
      const d = p.definition;
      process.stdout.write(
        [
          `profile ${p.id}${p.isDefault ? ' (default)' : ''}: ${p.description}`,
          '',
          table(
            ['SLOT', 'ALGORITHM', 'TEMPLATE', 'ESCROW'],
            Object.entries(d.slots).map(([s, x]) => [s, x.algorithm, x.template, x.escrow]),
          ),
          '',
          `PIN               ${d.pin.minLength}-${d.pin.maxLength} characters, ${d.pin.tries} tries`,
          `PUK               ${d.puk.length} digits, ${d.puk.tries} tries (random, kept sealed under the HSM)`,
          `management key    ${d.managementKey.algorithm}, diversified from the HSM master key`,
          `validity          ${d.validityDays} days`,
          '',
        ].join('\n'),
      );
    });
}
