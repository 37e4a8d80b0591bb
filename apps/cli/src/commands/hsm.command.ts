import type { Command } from 'commander';
import type { KeyRef, SigningKeyAlgorithm } from '@scm/hsm';
import { checkKeyObject, mechanismName } from '@scm/hsm';
import { printJson, table } from '../output';
import { ServerContext } from '../server-context';

/** The HSM keys the platform itself needs; other modules add theirs through their own set-up commands. */
export const PLATFORM_KEYS: Array<{ ref: KeyRef; algorithm: SigningKeyAlgorithm; purpose: string }> = [
  { ref: { label: 'scm-audit-checkpoint', version: 1 }, algorithm: 'P-256', purpose: 'signs audit chain checkpoints' },
];

export function registerHsm(program: Command): void {
  const hsm = program.command('hsm').description('Keys in the HSM (server-side)');
  hsm
    .command('init-keys')
    .description('Create the platform keys that do not exist yet (idempotent; never replaces a key)')
    .option('-q, --quiet', 'print only what was created')
    .action(async (o: { quiet?: boolean }) => {
      const ctx = await ServerContext.open();
      try {
        const h = ctx.hsm();
        const existing = new Set((await h.listKeys()).map((k) => `${k.ref.label}/${k.ref.version}`));
        for (const k of PLATFORM_KEYS) {
          const label = `${k.ref.label}/${k.ref.version}`;
          if (existing.has(label)) {
            await h.getSigningKey(k.ref, k.algorithm);
            if (!o.quiet) process.stdout.write(`${label}: present\n`);
            continue;
          }
          await h.createSigningKey(k.ref, k.algorithm);
          process.stdout.write(`${label}: created (${k.algorithm}, ${k.purpose})\n`);
        }
      } finally {
        await ctx.close();
      }
    });
  hsm
    .command('keys')
    .description('SCM keys on the token')
    .option('--json', 'machine-readable output')
    .option(
      '--attributes',
      'every key object on the token with its class, type, usage attributes and allowed mechanisms, checked against the table of docs/hsm.md',
    )
    .action(async (o: { json?: boolean; attributes?: boolean }) => {
      const ctx = await ServerContext.open();
      try {
        if (o.attributes) {
          const objs = (await ctx.hsm().listKeyObjects()).map((k) => ({
            ...k,
            mechanisms: k.mechanisms.map(mechanismName),
            check: checkKeyObject(k),
          }));
          if (o.json) printJson(objs);
          else
            process.stdout.write(
              `${table(
                ['LABEL', 'CLASS', 'TYPE', 'EXTRACTABLE', 'SENSITIVE', 'USAGES', 'MECHANISMS', 'CHECK'],
                objs.map((k) => [
                  k.label,
                  k.class,
                  k.keyType,
                  k.extractable === undefined ? '-' : k.extractable ? 'yes' : 'no',
                  k.sensitive === undefined ? '-' : k.sensitive ? 'yes' : 'no',
                  k.usages.join(',') || '-',
                  k.mechanisms.join(',') || 'any',
                  k.check,
                ]),
              )}\n`,
            );
          return;
        }
        const keys = await ctx.hsm().listKeys();
        if (o.json) printJson(keys);
        else
          process.stdout.write(
            `${table(
              ['LABEL', 'KIND', 'ALGORITHM', 'EXTRACTABLE', 'SENSITIVE'],
              keys.map((k) => [
                `${k.ref.label}/${k.ref.version}`,
                k.kind,
                k.algorithm,
                k.extractable ? 'yes' : 'no',
                k.sensitive ? 'yes' : 'no',
              ]),
            )}\n`,
          );
      } finally {
        await ctx.close();
      }
    });
}
