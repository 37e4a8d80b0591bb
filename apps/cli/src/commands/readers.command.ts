import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { loadConfig, readWorkstations, stateSchema, type Workstation } from '@scm/config';
import { PcscCardChannel, PcscError, PcscErrorCode, ReaderMonitor, type ReaderInfo as MonitorReaderInfo } from '@scm/pcsc';
import { defaultCardAgency } from '@scm/piv';
import { CliError, printJson, table } from '../output';

const run = promisify(execFile);

/** A reader as listed, with what the card agency found out about its card. */
export interface ReaderInfo extends MonitorReaderInfo {
  /** Card type from the agency ('piv'), 'unknown', or why it could not be probed ('in use', 'error'). */
  cardType?: string;
  cardLabel?: string;
  serial?: string;
}

/**
 * Asks the card agency what the card is. A shared connection that leaves the card as it was: no
 * reset, nothing written; a card another process holds exclusively is reported as in use.
 */
async function probeCard(r: MonitorReaderInfo): Promise<ReaderInfo> {
  if (!r.cardPresent || r.mute || !r.atr) return r;
  let ch: PcscCardChannel | undefined;
  try {
    ch = await PcscCardChannel.open(r.name, { share: 'shared', timeoutMs: 5000 });
    const hit = await defaultCardAgency().identify(ch, { atr: new Uint8Array(Buffer.from(ch.atr, 'hex')) });
    return hit ? { ...r, cardType: hit.card.type, cardLabel: hit.card.label, serial: hit.card.serial } : { ...r, cardType: 'unknown' };
  } catch (e) {
    return { ...r, cardType: e instanceof PcscError && e.code === PcscErrorCode.SharingViolation ? 'in use' : 'error' };
  } finally {
    await ch?.close();
  }
}

export interface WorkstationReaders {
  workstation: number;
  socket: string;
  readers: ReaderInfo[];
  error?: string;
}

/** Lists the readers of the pcscd this process talks to (PCSCLITE_CSOCK_NAME). */
async function localReaders(): Promise<MonitorReaderInfo[]> {
  const m = new ReaderMonitor();
  let failure: Error | undefined;
  m.on('error', (e) => (failure = e));
  try {
    const list = await m.settle(300, 3000);
    if (list.length === 0 && failure) throw failure;
    return list;
  } finally {
    m.close();
  }
}

/** libpcsclite reads PCSCLITE_CSOCK_NAME once, so each workstation is asked from its own process. */
async function readersOf(ws: Workstation, probe: boolean): Promise<WorkstationReaders> {
  try {
    const { stdout } = await run(process.execPath, [process.argv[1], 'readers', '--json', '--local', ...(probe ? [] : ['--no-probe'])], {
      env: { ...process.env, PCSCLITE_CSOCK_NAME: ws.socket },
      timeout: 15000,
    });
    return { workstation: ws.id, socket: ws.socket, readers: JSON.parse(stdout) as ReaderInfo[] };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { workstation: ws.id, socket: ws.socket, readers: [], error: (err.stderr || err.message).trim().split('\n').pop() };
  }
}

export function registerReaders(program: Command): void {
  program
    .command('readers')
    .description("List card readers, whether a card is present and its ATR (workstation 0's pcscd by default)")
    .option('--all', 'every workstation on this machine (one pcscd each)')
    .option('-w, --workstation <n>', 'workstation number', (v) => parseInt(v, 10))
    .option('--json', 'machine-readable output')
    .option('--local', 'the pcscd of PCSCLITE_CSOCK_NAME only (used internally)')
    .option('--no-probe', 'do not ask the cards what they are (card type and serial)')
    .action(async (o: { all?: boolean; workstation?: number; json?: boolean; local?: boolean; probe: boolean }) => {
      if (o.local) {
        try {
          const list = await localReaders();
          process.stdout.write(JSON.stringify(o.probe ? await Promise.all(list.map(probeCard)) : list));
          return;
        } catch (e) {
          throw new CliError(`cannot list readers: ${(e as Error).message}`);
        }
      }
      const { SCM_STATE_DIR } = loadConfig(stateSchema);
      const all = readWorkstations(SCM_STATE_DIR);
      const wanted = o.all ? all : all.filter((w) => w.id === (o.workstation ?? 0));
      if (wanted.length === 0) throw new CliError(`no workstation ${o.workstation} in ${SCM_STATE_DIR}/workstations.json`);
      const results = await Promise.all(wanted.map((w) => readersOf(w, o.probe)));
      if (o.json) {
        printJson(o.all ? results.flatMap((w) => w.readers.map((r) => ({ workstation: w.workstation, ...r }))) : results[0].readers);
      } else {
        const rows = results.flatMap((w) =>
          w.error
            ? [[w.workstation, `(${w.error})`, '', '', '', '']]
            : w.readers.map((r) => [
                w.workstation,
                r.name,
                r.cardPresent ? (r.mute ? 'mute' : 'yes') : 'no',
                r.cardLabel ?? r.cardType,
                r.serial,
                r.atr,
              ]),
        );
        process.stdout.write(`${table(['WS', 'READER', 'CARD', 'TYPE', 'SERIAL', 'ATR'], rows)}\n`);
      }
      if (results.some((w) => w.error)) process.exitCode = 1;
    });
}
