import type { Command } from 'commander';
import { loadConfig, readWorkstations, stateSchema } from '@scm/config';
import { PcscCardChannel, PcscError } from '@scm/pcsc';
import { defaultCardAgency, PivCardAgent, readCardReport, type PivCardReport } from '@scm/piv';
import { CliError, printJson, table } from '../output';
import { cardCommand } from './card-emulate.command';

interface ShowOptions {
  reader: string;
  workstation?: number;
  json?: boolean;
}

/** Points this process's PC/SC at a workstation's pcscd; the reader host is forked with this environment. */
function useWorkstation(n: number | undefined): void {
  if (n === undefined) return;
  const { SCM_STATE_DIR } = loadConfig(stateSchema);
  const ws = readWorkstations(SCM_STATE_DIR).find((w) => w.id === n);
  if (!ws) throw new CliError(`no workstation ${n} in ${SCM_STATE_DIR}/workstations.json`);
  process.env.PCSCLITE_CSOCK_NAME = ws.socket;
}

const POLICY_PIN = ['default', 'never', 'once', 'always'];
const POLICY_TOUCH = ['default', 'never', 'always', 'cached'];
const date = (iso: string): string => iso.slice(0, 10);

function tries(t: { retriesLeft?: number; blocked: boolean; verified?: boolean } | undefined): string {
  if (!t) return 'unknown';
  if (t.blocked) return 'blocked';
  return `${t.retriesLeft ?? '?'} tries left${t.verified ? ' (verified)' : ''}`;
}

function printReport(reader: string, atr: string, type: string, r: PivCardReport): void {
  const id = r.identity;
  const lines: Array<[string, string | number | undefined]> = [
    ['Reader', reader],
    ['ATR', atr],
    ['Card', type],
    ['Serial', id.serial],
    ['Firmware', id.version],
    ['GUID', id.guid ?? '(no CHUID)'],
    ['FASC-N', id.fascn],
    ['CHUID expiry', id.expiry],
    ['PIN', tries(r.pin)],
    ['PUK', tries(r.puk)],
    ['Management key', r.managementKey ? `${r.managementKey.algorithm}${r.managementKey.isDefault ? ' (default key!)' : ''}` : undefined],
    ['CCC', r.objects.ccc ? 'present' : 'absent'],
    ['Key History', r.objects.keyHistory ? `${r.objects.keyHistory.onCard} on card, ${r.objects.keyHistory.offCard} off card` : 'absent'],
  ];
  const w = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) if (v !== undefined) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
  process.stdout.write('\n');
  if (r.slots.length === 0) {
    process.stdout.write('No keys or certificates.\n');
    return;
  }
  const rows = r.slots.map((s) => [
    s.slot,
    s.keyType,
    s.origin,
    s.pinPolicy !== undefined
      ? `${POLICY_PIN[s.pinPolicy] ?? s.pinPolicy}/${POLICY_TOUCH[s.touchPolicy ?? 0] ?? s.touchPolicy}`
      : undefined,
    s.certificate?.subject ?? s.error ?? '(no certificate)',
    s.certificate ? `${date(s.certificate.notBefore)}..${date(s.certificate.notAfter)}` : undefined,
  ]);
  process.stdout.write(`${table(['SLOT', 'KEY', 'ORIGIN', 'PIN/TOUCH', 'CERTIFICATE SUBJECT', 'VALIDITY'], rows)}\n`);
}

export function registerCardShow(program: Command): void {
  cardCommand(program)
    .command('show')
    .description('Show a card: identity, PIN and PUK tries left (no try spent), slots with their keys and certificates')
    .requiredOption('--reader <name>', 'reader name, e.g. "Virtual PCD 00 00"')
    .option('-w, --workstation <n>', 'the workstation whose pcscd has the reader', (v) => parseInt(v, 10))
    .option('--json', 'machine-readable output')
    .action(async (o: ShowOptions) => {
      useWorkstation(o.workstation);
      let channel: PcscCardChannel;
      try {
        channel = await PcscCardChannel.open(o.reader, { share: 'exclusive', timeoutMs: 10_000 });
      } catch (e) {
        throw new CliError(`${(e as Error).message}`, e instanceof PcscError ? 2 : 1);
      }
      try {
        const atr = new Uint8Array(Buffer.from(channel.atr, 'hex'));
        const hit = await defaultCardAgency().identify(channel, { atr });
        if (!hit) throw new CliError(`${o.reader}: no card agent recognises this card (ATR ${channel.atr})`, 3);
        if (!(hit.agent instanceof PivCardAgent)) throw new CliError(`${o.reader}: ${hit.card.label} cards cannot be shown yet`, 3);
        const session = await hit.agent.open(channel, { atr });
        const report = await readCardReport(session);
        if (o.json) printJson({ reader: o.reader, atr: channel.atr, type: hit.card.type, label: hit.card.label, ...report });
        else printReport(o.reader, channel.atr, hit.card.label, report);
      } finally {
        await channel.close();
      }
    });
}
