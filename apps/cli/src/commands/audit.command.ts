import type { Command } from 'commander';
import { ChainVerifier, readChain, readCheckpoints, signCheckpoint } from '@scm/audit';
import { printJson } from '../output';
import { ServerContext } from '../server-context';

const CHECKPOINT_KEY = { label: 'scm-audit-checkpoint', version: 1 };

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit chain');
  audit
    .command('verify')
    .description('Walk the chain against its signed checkpoints (trusting the HSM checkpoint key) and name the first broken link')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const ctx = await ServerContext.open();
      try {
        const key = await ctx.hsm().getSigningKey(CHECKPOINT_KEY, 'P-256');
        const v = new ChainVerifier(await readCheckpoints(ctx.db));
        for await (const r of readChain(ctx.db)) v.push(r);
        const rep = v.finish([key.spki]);
        if (o.json) printJson(rep);
        else {
          const lines = [
            `events:      ${rep.events} (head ${rep.head.seq}, ${rep.head.hash.slice(0, 16)}…)`,
            `checkpoints: ${rep.checkpointsChecked} verified${rep.latestCheckpoint ? `, latest at ${rep.latestCheckpoint.seq} signed ${rep.latestCheckpoint.signedAt}` : ''}`,
            ...rep.problems.map((p) => `problem:     ${p}`),
            rep.broken
              ? `BROKEN at ${rep.broken.seq}: ${rep.broken.reason}`
              : rep.ok
                ? 'OK: the chain verifies end to end against its latest signed checkpoint'
                : 'NOT VERIFIED',
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (!rep.ok) process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });
  audit
    .command('checkpoint')
    .description('Sign a checkpoint of the chain head now (server-side)')
    .action(async () => {
      const ctx = await ServerContext.open();
      try {
        const key = await ctx.hsm().getSigningKey(CHECKPOINT_KEY, 'P-256');
        const c = await signCheckpoint(
          ctx.db,
          {
            keyLabel: `${CHECKPOINT_KEY.label}/${CHECKPOINT_KEY.version}`,
            algorithm: 'ECDSA-SHA256',
            publicKey: async () => new Uint8Array(key.spki),
            sign: async (d) => new Uint8Array(await key.sign(d, { dsaEncoding: 'ieee-p1363' })),
          },
          new Date(),
        );
        process.stdout.write(c ? `checkpoint at ${c.seq} signed ${c.signedAt}\n` : 'the latest checkpoint already covers the head\n');
      } finally {
        await ctx.close();
      }
    });
}
