import type { Command } from 'commander';
import {
  Defaults,
  FilePivBackend,
  MgmAlgorithm,
  type MgmAlgorithmId,
  mgmKeyLength,
  SoftPivBackend,
  startEmulatedCard,
  GENERIC_PIV_ATR,
  NO_IMPORT_REFUSALS,
  type EmulatedCard,
  type PivCardBackend,
  type CardLatency,
  parseCardLatency,
} from '@scm/card-engine';
import { CliError } from '../output';

interface EmulateOptions {
  port: number;
  host: string;
  state?: string;
  serial?: number;
  atr?: string;
  firmware?: [number, number, number];
  /** commander's --no-import: false. */
  import: boolean;
  transportKey?: { algorithm: MgmAlgorithmId; key: Uint8Array };
  latency?: CardLatency;
}

/** `--latency yubikey5[,apdu=4,p256=250,…]`: answer as slowly as a real card. */
export function latencyOption(v: string): CardLatency | undefined {
  try {
    return parseCardLatency(v);
  } catch (e) {
    throw new CliError(`--latency: ${(e as Error).message}`);
  }
}

function intOption(name: string, min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new CliError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
    return n;
  };
}

function atrOption(v: string): string {
  const hex = v.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2}){2,33}$/.test(hex)) throw new CliError(`--atr must be 2 to 33 bytes of hex, got "${v}"`);
  return hex;
}

const TRANSPORT_ALGORITHMS: Record<string, MgmAlgorithmId> = {
  '3des': MgmAlgorithm.TDES,
  aes128: MgmAlgorithm.AES128,
  aes192: MgmAlgorithm.AES192,
  aes256: MgmAlgorithm.AES256,
};

/** `aes192:HEX` (3des, aes128, aes192, aes256), as a stock manifest gives a card's transport key. */
export function transportKeyOption(v: string): { algorithm: MgmAlgorithmId; key: Uint8Array } {
  const m = /^([a-z0-9]+):([0-9a-fA-F]+)$/.exec(v.trim());
  const algorithm = m ? TRANSPORT_ALGORITHMS[m[1]!] : undefined;
  if (!m || algorithm === undefined)
    throw new CliError(
      `--transport-key must look like aes192:HEX (algorithms: ${Object.keys(TRANSPORT_ALGORITHMS).join(', ')}), got "${v}"`,
    );
  const key = Buffer.from(m[2]!, 'hex');
  const want = mgmKeyLength(algorithm);
  if (m[2]!.length % 2 !== 0 || key.length !== want)
    throw new CliError(`--transport-key: a ${m[1]} key is ${want} bytes (${want * 2} hex digits), got ${m[2]!.length} hex digits`);
  return { algorithm, key: new Uint8Array(key) };
}

function firmwareOption(v: string): [number, number, number] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  if (!m || m.slice(1).some((x) => Number(x) > 255)) throw new CliError(`--firmware must look like 5.4.3, got "${v}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The "card" command group, shared with the other card commands whichever registers first. */
export function cardCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'card') ?? program.command('card').description('Smart card commands');
}

export function registerCardEmulate(program: Command): void {
  cardCommand(program)
    .command('emulate')
    .description(
      'Put a software PIV card (YubiKey 5-like) into a vpcd virtual reader until stopped (SIGINT/SIGTERM = card removed). ' +
        'A blank card has PIN 123456, PUK 12345678 and the default 3DES management key, or the transport key given ' +
        '(a card of a registered stock batch: the same key as in the batch manifest).',
    )
    .requiredOption('--port <port>', 'vpcd TCP port of the reader (e.g. 35963 for "Virtual PCD 00 00")', intOption('--port', 1, 65535))
    .option('--host <host>', 'vpcd host', '127.0.0.1')
    .option('--state <file>', 'keep the card in this file (created blank if missing); in memory otherwise')
    .option('--serial <n>', 'card serial for a new card', intOption('--serial', 0, 0xffffffff))
    .option('--atr <hex>', 'answer-to-reset for a new card (default: the YubiKey 5 ATR)', atrOption)
    .option('--firmware <x.y.z>', 'firmware version for a new card (default 5.4.3)', firmwareOption)
    .option('--transport-key <alg:hex>', "a new card's management key from the factory, e.g. aes192:<48 hex digits>", transportKeyOption)
    .option(
      '--latency <model>',
      'answer as slowly as a real card: yubikey5, optionally with overrides in ms (yubikey5,apdu=4,p256=250,rsa2048=6000); off by default',
      latencyOption,
    )
    .option(
      '--no-import',
      'act as a PIV card that generates keys but cannot import them: no IMPORT ASYMMETRIC KEY (FE) nor GET VERSION (FD), ' +
        'both answered 6D00, and a generic (non-YubiKey) ATR unless --atr is given',
    )
    .action(async (o: EmulateOptions) => {
      const identity = {
        serial: o.serial,
        atr: o.atr ? new Uint8Array(Buffer.from(o.atr, 'hex')) : o.import ? undefined : GENERIC_PIV_ATR,
        version: o.firmware,
        ...(o.transportKey ? { managementKey: o.transportKey } : {}),
      };
      let backend: PivCardBackend;
      try {
        backend = o.state ? await FilePivBackend.open(o.state, identity) : new SoftPivBackend(identity);
      } catch (e) {
        throw new CliError(`cannot open the card state: ${(e as Error).message}`);
      }
      await runCard(o, backend);
    });
}

async function runCard(o: EmulateOptions, backend: PivCardBackend): Promise<void> {
  const where = `${o.host}:${o.port}`;
  let lost: (() => void) | undefined;
  const closed = new Promise<void>((resolve) => (lost = resolve));
  let card: EmulatedCard;
  try {
    card = await startEmulatedCard({
      port: o.port,
      host: o.host,
      backend,
      ...(o.latency ? { latency: o.latency } : {}),
      ...(o.import ? {} : { refuse: NO_IMPORT_REFUSALS }),
      onClose: () => lost?.(),
      onError: (e) => process.stderr.write(`scm: card error: ${e instanceof Error ? e.message : String(e)}\n`),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED')
      throw new CliError(`no vpcd reader is listening at ${where}: is pcscd running with the vpcd driver, and is ${o.port} its port?`);
    throw new CliError(`cannot reach the vpcd reader at ${where}: ${(e as Error).message}`);
  }
  const { serial, version, atr } = backend.identity;
  const isYubiKeyAtr = Buffer.from(atr).equals(Buffer.from(Defaults.ATR));
  process.stdout.write(
    `card inserted into the vpcd reader at ${where}: software PIV card, serial ${serial}, firmware ${version.join('.')}, ` +
      `ATR ${Buffer.from(atr).toString('hex').toUpperCase()}${isYubiKeyAtr ? ' (YubiKey 5)' : ''}, ` +
      `${o.import ? '' : 'without key import (FE) or GET VERSION (FD), '}` +
      `${o.state ? `state in ${o.state}` : 'in memory (lost when stopped)'}. Stop with Ctrl-C.\n`,
  );

  const signal = await new Promise<NodeJS.Signals | 'closed'>((resolve) => {
    const on = (s: NodeJS.Signals): void => resolve(s);
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
    void closed.then(() => resolve('closed'));
  });
  if (signal === 'closed') {
    if (backend instanceof FilePivBackend) await backend.flush();
    throw new CliError(`the vpcd reader at ${where} closed the connection (pcscd stopped?); the card is out`);
  }
  await card.remove();
  if (backend instanceof FilePivBackend) await backend.flush();
  process.stdout.write(`card removed (${signal}).\n`);
}
