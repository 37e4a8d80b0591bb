import type { Command } from 'commander';
import { loadConfig, readWorkstations, stateSchema } from '@scm/config';
import { PcscCardChannel } from '@scm/pcsc';
import { ALGORITHM, DEFAULTS, PivSession, SoftwareManagementKey, type ManagementKeyAuthenticator } from '@scm/piv';
import {
  PivCardStore,
  VirtualSmartCard,
  VscObjectStore,
  copyCard,
  objectTitle,
  pasteObjects,
  writeFileAtomic,
  type PasteReport,
  type VscObject,
} from '@scm/vsc';
import { CliError, printJson } from '../output';
import { cardCommand } from './card-emulate.command';
import { openVscFile, readSecret, withVscDeps } from './vsc.command';

interface ReaderOptions {
  reader: string;
  workstation?: number;
}

/**
 * Points this process's PC/SC at a workstation's pcscd (the reader host is forked with this
 * environment). Without --workstation, PCSCLITE_CSOCK_NAME or the system pcscd is used.
 */
function selectWorkstation(o: ReaderOptions): void {
  if (o.workstation === undefined) return;
  const { SCM_STATE_DIR } = loadConfig(stateSchema);
  const ws = readWorkstations(SCM_STATE_DIR).find((w) => w.id === o.workstation);
  if (!ws) throw new CliError(`no workstation ${o.workstation} in ${SCM_STATE_DIR}/workstations.json`);
  process.env.PCSCLITE_CSOCK_NAME = ws.socket;
}

async function withCard<T>(o: ReaderOptions, fn: (session: PivSession, channel: PcscCardChannel) => Promise<T>): Promise<T> {
  selectWorkstation(o);
  let channel: PcscCardChannel;
  try {
    channel = await PcscCardChannel.open(o.reader, { share: 'exclusive' });
  } catch (e) {
    throw new CliError(`cannot use the card in "${o.reader}": ${(e as Error).message} (see scm readers)`);
  }
  try {
    const atr = channel.atr ? new Uint8Array(Buffer.from(channel.atr, 'hex')) : undefined;
    const session = await PivSession.open(channel, { atr });
    return await fn(session, channel);
  } finally {
    await channel.close('leave');
  }
}

const MGM_ALGS: Record<string, number> = {
  '3des': ALGORITHM.TDES,
  aes128: ALGORITHM.AES128,
  aes192: ALGORITHM.AES192,
  aes256: ALGORITHM.AES256,
};

/** The card's management key: a file (hex), $SCM_CARD_MGM_KEY, or the PIV default key. Never an argument. */
async function managementKey(o: {
  managementKeyFile?: string;
  managementKeyAlg: string;
}): Promise<{ auth: ManagementKeyAuthenticator; isDefault: boolean }> {
  const alg = MGM_ALGS[o.managementKeyAlg];
  if (alg === undefined) throw new CliError(`--management-key-alg must be one of ${Object.keys(MGM_ALGS).join(', ')}`);
  let hex: string | undefined;
  if (o.managementKeyFile) hex = await readSecret({ file: o.managementKeyFile, env: 'SCM_CARD_MGM_KEY', prompt: '' });
  else if (process.env.SCM_CARD_MGM_KEY) hex = process.env.SCM_CARD_MGM_KEY;
  if (hex === undefined) return { auth: new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, ALGORITHM.TDES), isDefault: true };
  const clean = hex.trim();
  if (!/^([0-9a-fA-F]{2}){16,32}$/.test(clean)) throw new CliError('the management key must be 16 to 32 bytes of hex');
  const key = Buffer.from(clean, 'hex');
  try {
    return { auth: new SoftwareManagementKey(key, alg), isDefault: false };
  } finally {
    key.fill(0);
  }
}

function printReport(r: PasteReport, json: boolean | undefined, extra: Record<string, unknown>): void {
  if (json) {
    printJson({
      ...extra,
      copied: r.copied.map((o) => ({ name: o.name, kind: o.kind })),
      skipped: r.skipped.map((s) => ({ name: s.object.name, kind: s.object.kind, reason: s.reason })),
    });
    return;
  }
  for (const o of r.copied) process.stdout.write(`  copied   ${objectTitle(o)}\n`);
  for (const s of r.skipped) process.stdout.write(`  skipped  ${objectTitle(s.object)}: ${s.reason}\n`);
}

function intOption(name: string): (v: string) => number {
  return (v) => {
    if (!/^\d{1,3}$/.test(v)) throw new CliError(`${name} must be a number`);
    return Number(v);
  };
}

export function registerCardBackup(program: Command): void {
  const card = cardCommand(program);

  card
    .command('backup')
    .description("Copy every object of a card except private keys (the seed's emergency backup) into a new VSC file")
    .requiredOption('--reader <name>', 'reader name, as "scm readers" lists it')
    .option('-w, --workstation <n>', 'the workstation whose pcscd has the reader', intOption('--workstation'))
    .requiredOption('--out <file>', 'the new VSC file (never overwritten)')
    .option(
      '--with-pin',
      "verify the card's PIN (from --card-pin-file, $SCM_CARD_PIN or a prompt) to copy its PIN-protected containers too",
    )
    .option('--card-pin-file <file>', "read the card's PIN from this file")
    .option('--password-file <file>', "the new VSC's password (else $SCM_VSC_PASSWORD, else a prompt)")
    .option('--recovery-only', 'no VSC password: sealed for the recovery path only')
    .option('--json', 'machine-readable output')
    .action(
      async (
        o: ReaderOptions & {
          out: string;
          withPin?: boolean;
          cardPinFile?: string;
          passwordFile?: string;
          recoveryOnly?: boolean;
          json?: boolean;
        },
      ) => {
        const cardPin = o.withPin ? await readSecret({ file: o.cardPinFile, env: 'SCM_CARD_PIN', prompt: 'card PIN: ' }) : undefined;
        const password = o.recoveryOnly
          ? undefined
          : await readSecret({ file: o.passwordFile, env: 'SCM_VSC_PASSWORD', prompt: 'new VSC password: ', confirm: true });
        await withVscDeps(async (deps) => {
          await withCard(o, async (session, channel) => {
            const ident = await session.identity();
            if (cardPin) await session.verifyPin(cardPin);
            const serial =
              ident.serial !== undefined ? String(ident.serial).padStart(8, '0') : ident.guid ? ident.guid.slice(0, 8) : undefined;
            const vsc = await VirtualSmartCard.create({ serial, kind: 'backup', pin: password }, deps);
            try {
              if (channel.atr) await vsc.bind(serial ?? 'unknown', Buffer.from(channel.atr, 'hex'));
              const report = await copyCard(
                new PivCardStore(session, { reader: o.reader, pinVerified: !!cardPin }),
                new VscObjectStore(vsc),
              );
              const bytes = await vsc.toStandaloneFile();
              await writeFileAtomic(o.out, bytes, { exclusive: true }).catch((e: NodeJS.ErrnoException) => {
                throw new CliError(
                  e.code === 'EEXIST' ? `${o.out} exists; a backup never overwrites a file` : `cannot write ${o.out}: ${e.message}`,
                );
              });
              if (!o.json) process.stdout.write(`backed up the card in ${o.reader} into ${vsc.label} (${o.out}, id ${vsc.id}):\n`);
              printReport(report, o.json, { file: o.out, label: vsc.label, id: vsc.id });
            } finally {
              vsc.close();
            }
          });
        });
      },
    );

  card
    .command('restore')
    .argument('<file>', 'VSC file (a backup, or any VSC)')
    .description(
      "Write a VSC's objects back onto a card: certificates, containers and data objects (keys stay the card's own; a CHUID only onto its own card)",
    )
    .requiredOption('--reader <name>', 'reader name, as "scm readers" lists it')
    .option('-w, --workstation <n>', 'the workstation whose pcscd has the reader', intOption('--workstation'))
    .option('--object <name...>', 'only these objects (a refusal is then an error)')
    .option('--skip-unsupported', 'skip (and list) objects the card cannot hold instead of stopping')
    .option('--management-key-file <file>', "the card's management key in hex (else $SCM_CARD_MGM_KEY, else the PIV default key)")
    .option('--management-key-alg <alg>', '3des, aes128, aes192 or aes256', '3des')
    .option('--password-file <file>', 'VSC password (else $SCM_VSC_PASSWORD, else a prompt)')
    .option('--recovery', "open the VSC through the HSM's recovery key (officers)")
    .option('--json', 'machine-readable output')
    .action(
      async (
        path: string,
        o: ReaderOptions & {
          object?: string[];
          skipUnsupported?: boolean;
          managementKeyFile?: string;
          managementKeyAlg: string;
          passwordFile?: string;
          recovery?: boolean;
          json?: boolean;
        },
      ) => {
        const mgm = await managementKey(o);
        await withVscDeps(async (deps) => {
          const file = await openVscFile(path, deps);
          try {
            if (o.recovery) await file.vsc.openWithRecovery();
            else
              await file.vsc.verifyPin(
                await readSecret({ file: o.passwordFile, env: 'SCM_VSC_PASSWORD', prompt: `password of ${file.vsc.label}: ` }),
              );
            let objects: VscObject[] = file.vsc.listObjects();
            if (o.object) {
              const missing = o.object.filter((n) => !objects.some((x) => x.name === n));
              if (missing.length) throw new CliError(`${path} has no object ${missing.map((n) => `"${n}"`).join(', ')}`);
              objects = objects.filter((x) => o.object?.includes(x.name));
            }
            await withCard(o, async (session) => {
              const report = await pasteObjects(objects, new PivCardStore(session, { reader: o.reader, managementKey: mgm.auth }), {
                skipKeys: !o.object,
                skipIdentity: !o.object,
                skipUnsupported: o.skipUnsupported,
              });
              if (!o.json) {
                process.stdout.write(
                  `restored ${file.vsc.label} onto the card in ${o.reader}${mgm.isDefault ? ' (default management key)' : ''}:\n`,
                );
              }
              printReport(report, o.json, { file: path, label: file.vsc.label });
            });
          } finally {
            file.vsc.close();
          }
        });
      },
    );
}
