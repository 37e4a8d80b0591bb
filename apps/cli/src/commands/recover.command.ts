import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson } from '../output';
import { readSecret } from '../prompt';
import { printTicket } from './reissue.command';

type Ticket = { approvalId: string; kind: string; subjectHash: string; requiredApprovals: number; expiresAt: string };
type Recovery = {
  id: string;
  cardholderId: string;
  state: string;
  approvalId: string;
  keys: Array<{ vscId: string; slot: string; serial: string }>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Writes a new file readable by its owner only; never overwrites. */
async function writeNew(path: string, data: Buffer): Promise<void> {
  let h;
  try {
    h = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (e) {
    throw new CliError(
      (e as NodeJS.ErrnoException).code === 'EEXIST'
        ? `${path} exists; choose another file`
        : `cannot write ${path}: ${(e as Error).message}`,
    );
  }
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

/** `scm recover request|fetch|show`: escrowed decryption keys for data recovery, under dual control. */
export function registerRecover(program: Command): void {
  const r = program
    .command('recover')
    .description("Data recovery: a cardholder's escrowed decryption keys (current and earlier 9D) as a PKCS#12, under dual control");
  r.command('request')
    .description('Ask for the keys; other security officers approve it')
    .option('--card <ref>', "a card's serial or id (its cardholder's keys)")
    .option('--cardholder <id>', 'a cardholder id')
    .requiredOption('--reason <text>', 'why (shown to the approvers, audited)')
    .option('--json', 'machine-readable output')
    .action(async (o: { card?: string; cardholder?: string; reason: string; json?: boolean }) => {
      if (!o.card === !o.cardholder) throw new CliError('name either --card or --cardholder');
      const t = await api<Ticket>('POST', '/api/v1/key-recoveries', { card: o.card, cardholder: o.cardholder, reason: o.reason });
      if (o.json) return printJson(t);
      printTicket(t, 'key recovery');
      process.stdout.write(`  once approved: bin/scm recover fetch ${t.approvalId} --out keys.p12\n`);
    });
  r.command('fetch')
    .description('Once approved, fetch the keys (once) as a PKCS#12 protected by a password you choose; nothing is kept by SCM')
    .argument('<id>', 'the approval request id (or the key recovery id)')
    .requiredOption('--out <file>', 'the PKCS#12 file to create (mode 0600, never overwritten)')
    .option('--password-file <file>', 'read the password from this file (else $SCM_RECOVERY_PASSWORD, else a prompt)')
    .option('--json', 'machine-readable output (without the PKCS#12)')
    .action(async (id: string, o: { out: string; passwordFile?: string; json?: boolean }) => {
      if (!UUID.test(id)) throw new CliError(`"${id}" is not an id`);
      let recovery: Recovery;
      try {
        recovery = await api<Recovery>('GET', `/api/v1/key-recoveries?approval=${id}`);
      } catch {
        recovery = await api<Recovery>('GET', `/api/v1/key-recoveries/${id}`);
      }
      const password = await readSecret({
        file: o.passwordFile,
        envVar: 'SCM_RECOVERY_PASSWORD',
        question: 'Password for the PKCS#12 (12+ characters): ',
        confirm: true,
      });
      const res = await api<{ id: string; pkcs12: string; keys: Recovery['keys'] }>(
        'POST',
        `/api/v1/key-recoveries/${recovery.id}/pkcs12`,
        { password },
      );
      const p12 = Buffer.from(res.pkcs12, 'base64');
      await writeNew(o.out, p12);
      p12.fill(0);
      if (o.json) return printJson({ id: res.id, out: o.out, keys: res.keys });
      process.stdout.write(`${res.keys.length} key(s) written to ${o.out}: ${res.keys.map((k) => `${k.slot} ${k.serial}`).join(', ')}\n`);
    });
  r.command('show')
    .argument('<id>', 'key recovery id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const x = await api<Recovery>('GET', `/api/v1/key-recoveries/${encodeURIComponent(id)}`);
      if (o.json) return printJson(x);
      process.stdout.write(`key recovery ${x.id}: ${x.state}; ${x.keys.length} key(s) delivered\n`);
    });
}
