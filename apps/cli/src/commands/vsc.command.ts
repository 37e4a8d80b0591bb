import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { hsmSchema, loadConfig, stateSchema } from '@scm/config';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import {
  GENERATED_ALGORITHMS,
  HsmKeyProtector,
  VirtualSmartCard,
  VscError,
  VscErrorCode,
  VscFile,
  algorithmName,
  isPivKeySlot,
  parseVscFile,
  selfSignedCertificate,
  serveVsc,
  slotName,
  writeFileAtomic,
  type EscrowPolicy,
  type GeneratedAlgorithmName,
  type VscDeps,
  type VscKind,
  type VscObject,
} from '@scm/vsc';
import { CliError, printJson, table } from '../output';

// ------------------------------------------------------------------ shared with the card backup commands

/** Opens the HSM with the usual configuration (SCM_PKCS11_*, SCM_STATE_DIR) and runs `fn` with VSC deps over it. */
export async function withVscDeps<T>(fn: (deps: VscDeps, hsm: HsmContext) => Promise<T>): Promise<T> {
  const cfg = loadConfig({ ...stateSchema, ...hsmSchema });
  const hsm = HsmContext.open(hsmSettingsFrom(cfg));
  try {
    return await fn({ protector: new HsmKeyProtector(hsm) }, hsm);
  } finally {
    hsm.close();
  }
}

/** Opens a VSC file (consistency check included). */
export async function openVscFile(path: string, deps: VscDeps): Promise<VscFile> {
  try {
    return await VscFile.open(path, deps);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${path}: no such file`);
    if (code === 'EACCES') throw new CliError(`${path}: permission denied`);
    throw e;
  }
}

let stdinLines: string[] | undefined;

/** Lines of a piped stdin (read once): how scripts answer the prompts. */
async function nextStdinLine(): Promise<string | undefined> {
  if (!stdinLines) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    stdinLines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  }
  return stdinLines.shift();
}

/** Reads a secret from the terminal without echo. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CliError('cancelled', 130));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export interface SecretSource {
  /** A file holding the secret (first line). */
  file?: string;
  /** The environment variable checked next. */
  env: string;
  /** Shown when prompting. */
  prompt: string;
  /** Prompt twice and compare (new secrets). */
  confirm?: boolean;
}

/** A password, PIN or PUK: from a file, then an environment variable, then a prompt (no echo). Never from an argument. */
export async function readSecret(src: SecretSource): Promise<string> {
  if (src.file) {
    let text: string;
    try {
      text = await readFile(src.file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read ${src.file}: ${(e as Error).message}`);
    }
    return text.split(/\r?\n/)[0];
  }
  const env = process.env[src.env];
  if (env !== undefined && env !== '') return env;
  if (process.stdin.isTTY) {
    const first = await promptHidden(src.prompt);
    if (src.confirm && (await promptHidden(src.prompt.replace(/: $/, ' (again): '))) !== first)
      throw new CliError('the two entries differ');
    return first;
  }
  const line = await nextStdinLine();
  if (line === undefined || line === '')
    throw new CliError(`${src.prompt.replace(/: $/, '')} needed: give a file, set ${src.env}, or answer on stdin`);
  return line;
}

/** "9a" → 0x9A, checked against the PIV key slots. */
export function parseSlot(v: string): number {
  const n = /^[0-9a-fA-F]{2}$/.test(v) ? parseInt(v, 16) : NaN;
  if (!isPivKeySlot(n)) throw new CliError(`--slot must be a PIV key slot (9a, 9c, 9d, 9e, 82..95), got "${v}"`);
  return n;
}

// ------------------------------------------------------------------ presentation

function fingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

function objectRows(objects: readonly VscObject[]): Array<Array<string | number>> {
  return objects.map((o) => {
    switch (o.kind) {
      case 'certificate':
        return [
          o.name,
          'certificate',
          'public',
          o.slot !== undefined ? slotName(o.slot) : '-',
          o.der.length,
          new X509Certificate(Buffer.from(o.der)).subject.replace(/\n/g, ', '),
        ];
      case 'key':
        return [
          o.name,
          'key',
          'public',
          slotName(o.slot),
          o.spki.length,
          `${algorithmName(o.algorithm)} ${o.escrow} ${o.origin} sha256:${fingerprint(o.spki)}`,
        ];
      case 'data':
        return [
          o.name,
          'data',
          o.area,
          o.cardTag !== undefined ? o.cardTag.toString(16).toUpperCase() : '-',
          o.value.length,
          o.mediaType ?? '',
        ];
    }
  });
}

function objectJson(o: VscObject): Record<string, unknown> {
  switch (o.kind) {
    case 'certificate': {
      const c = new X509Certificate(Buffer.from(o.der));
      return {
        ...o,
        der: undefined,
        slot: o.slot !== undefined ? slotName(o.slot) : undefined,
        subject: c.subject,
        issuer: c.issuer,
        notAfter: c.validTo,
        pem: c.toString(),
      };
    }
    case 'key':
      return {
        ...o,
        spki: undefined,
        slot: slotName(o.slot),
        algorithm: algorithmName(o.algorithm),
        publicKeyPem: createPublicKey({ key: Buffer.from(o.spki), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }),
      };
    case 'data':
      return { ...o, value: Buffer.from(o.value).toString('base64'), cardTag: o.cardTag?.toString(16).toUpperCase() };
  }
}

function describe(vsc: VirtualSmartCard): Record<string, unknown> {
  const h = vsc.currentHeader;
  const s = vsc.state;
  return {
    label: vsc.label,
    id: vsc.id,
    kind: vsc.kind,
    version: vsc.version,
    contentHash: vsc.contentHash?.toString('hex'),
    status: s.status,
    expired: vsc.isExpired,
    expiresAt: s.expiresAt !== undefined ? new Date(s.expiresAt * 1000).toISOString() : undefined,
    pinTries: `${s.pin.remaining}/${s.pin.total}`,
    cardholderPath: vsc.hasCardholderPath,
    pukPath: vsc.hasPukPath,
    binding: s.binding
      ? { serial: s.binding.serial, atr: s.binding.atr ? Buffer.from(s.binding.atr).toString('hex').toUpperCase() : undefined }
      : undefined,
    kdf: h.kdf ? `${h.kdf.algorithm} m=${h.kdf.memoryKiB}KiB t=${h.kdf.iterations} p=${h.kdf.parallelism}` : undefined,
    hsmKeys: { kek: `${h.keys.kek.label}/${h.keys.kek.version}`, recovery: `${h.keys.recovery.label}/${h.keys.recovery.version}` },
    parentId: h.hierarchy.parentId,
  };
}

// ------------------------------------------------------------------ opening for changes

interface OpenOptions {
  passwordFile?: string;
  recovery?: boolean;
}

/** Opens the private areas: the cardholder path (password) by default, the recovery path for officers. */
async function openAreas(file: VscFile, o: OpenOptions): Promise<void> {
  if (o.recovery) return file.vsc.openWithRecovery();
  const password = await readSecret({ file: o.passwordFile, env: 'SCM_VSC_PASSWORD', prompt: `password of ${file.vsc.label}: ` });
  await file.vsc.verifyPin(password);
}

const passwordOption = (c: Command): Command =>
  c
    .option('--password-file <file>', 'read the VSC password from this file (else $SCM_VSC_PASSWORD, else a prompt)')
    .option('--recovery', "open through the HSM's recovery key instead of the password (officers)");

const KINDS: VscKind[] = ['standalone', 'escrow', 'temporary', 'backup'];
const ESCROW: EscrowPolicy[] = ['escrow', 'on-card', 'regenerate'];
const PIN_POLICIES: Record<string, number> = { default: 0, never: 1, once: 2, always: 3 };

function choice<T extends string>(name: string, allowed: readonly T[]): (v: string) => T {
  return (v) => {
    if (!allowed.includes(v as T)) throw new CliError(`${name} must be one of ${allowed.join(', ')}, got "${v}"`);
    return v as T;
  };
}

function positiveInt(name: string, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > max) throw new CliError(`${name} must be an integer from 1 to ${max}`);
    return n;
  };
}

function dateOption(v: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59Z` : v);
  if (Number.isNaN(t)) throw new CliError(`--expires must be a date (YYYY-MM-DD or ISO 8601), got "${v}"`);
  return Math.floor(t / 1000);
}

async function readCertificate(path: string): Promise<Buffer> {
  const raw = await readFile(path).catch((e: Error) => {
    throw new CliError(`cannot read ${path}: ${e.message}`);
  });
  try {
    return Buffer.from(new X509Certificate(raw).raw);
  } catch {
    throw new CliError(`${path} is not a PEM or DER X.509 certificate`);
  }
}

// ------------------------------------------------------------------ commands

export function registerVsc(program: Command): void {
  const vsc = program.command('vsc').description('Virtual Smart Cards kept as files: create, inspect, check, keys, serve as a card');

  vsc
    .command('init-keys')
    .description('Create the HSM keys VSCs need (KEK and recovery key) if missing; never replaces a key')
    .action(async () => {
      await withVscDeps(async (_d, hsm) => {
        for (const r of await HsmKeyProtector.provision(hsm)) {
          process.stdout.write(`${r.ref.label}/${r.ref.version}: ${r.created ? 'created' : 'present'}\n`);
        }
      });
    });

  vsc
    .command('create')
    .description('Create a VSC file (the cardholder password is asked for unless --recovery-only)')
    .requiredOption('--out <file>', 'the new VSC file (never overwritten)')
    .option('--serial <serial>', 'serial of the real card this VSC twins: label "VSC <serial>" and the card binding')
    .option('--label <label>', 'label (default "VSC <serial>")')
    .option('--kind <kind>', `kind: ${KINDS.join(', ')}`, choice('--kind', KINDS), 'standalone')
    .option('--recovery-only', 'no cardholder password: sealed for the recovery path only (escrow)')
    .option('--password-file <file>', 'read the password from this file (else $SCM_VSC_PASSWORD, else a prompt)')
    .option('--with-puk', 'also set a PUK (from --puk-file, $SCM_VSC_PUK or a prompt): RESET RETRY COUNTER on the served card')
    .option('--puk-file <file>', 'read the PUK from this file')
    .option('--pin-tries <n>', 'wrong passwords before the VSC blocks', positiveInt('--pin-tries', 15), 3)
    .option('--expires <date>', 'the VSC refuses to open or serve after this date', dateOption)
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        out: string;
        serial?: string;
        label?: string;
        kind: VscKind;
        recoveryOnly?: boolean;
        passwordFile?: string;
        withPuk?: boolean;
        pukFile?: string;
        pinTries: number;
        expires?: number;
        json?: boolean;
      }) => {
        if (o.serial !== undefined && !/^[\x21-\x7e]{1,32}$/.test(o.serial))
          throw new CliError('--serial must be 1 to 32 printable characters');
        const pin = o.recoveryOnly
          ? undefined
          : await readSecret({ file: o.passwordFile, env: 'SCM_VSC_PASSWORD', prompt: 'new VSC password: ', confirm: true });
        const puk = o.withPuk ? await readSecret({ file: o.pukFile, env: 'SCM_VSC_PUK', prompt: 'new PUK: ', confirm: true }) : undefined;
        await withVscDeps(async (deps) => {
          const card = await VirtualSmartCard.create(
            { serial: o.serial, label: o.label, kind: o.kind, pin, puk, pinTries: o.pinTries, expiresAt: o.expires },
            deps,
          );
          try {
            const bytes = await card.toStandaloneFile();
            await writeFileAtomic(o.out, bytes, { exclusive: true }).catch((e: NodeJS.ErrnoException) => {
              throw new CliError(
                e.code === 'EEXIST' ? `${o.out} exists; a VSC file is never overwritten by create` : `cannot write ${o.out}: ${e.message}`,
              );
            });
            if (o.json) printJson(describe(card));
            else
              process.stdout.write(
                `created ${card.label} (id ${card.id}) in ${o.out}: version ${card.version}, ${pin ? 'password set' : 'recovery path only'}\n`,
              );
          } finally {
            card.close();
          }
        });
      },
    );

  vsc
    .command('show')
    .argument('<file>', 'VSC file')
    .description('Show a VSC: identity, state, slots with their keys and certificates, objects (private ones with --open)')
    .option('--json', 'machine-readable output')
    .option('--open', 'open the private area with the password to list its objects too')
    .option('--password-file <file>', 'password file for --open')
    .action(async (path: string, o: { json?: boolean; open?: boolean; passwordFile?: string }) => {
      await withVscDeps(async (deps) => {
        const file = await openVscFile(path, deps);
        if (o.open) await openAreas(file, { passwordFile: o.passwordFile });
        const card = file.vsc;
        try {
          const objects = card.listObjects();
          if (o.json) {
            printJson({ ...describe(card), objects: objects.map(objectJson) });
            return;
          }
          const info = describe(card);
          const lines = Object.entries(info)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k.padEnd(15)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
          process.stdout.write(`${lines.join('\n')}\n\n`);
          process.stdout.write(`${table(['NAME', 'KIND', 'AREA', 'SLOT/TAG', 'BYTES', 'DETAILS'], objectRows(objects))}\n`);
          if (!o.open) process.stdout.write('(private objects are listed with --open)\n');
        } finally {
          card.close();
        }
      });
    });

  vsc
    .command('check')
    .argument('<file>', 'VSC file (standalone or sealed content)')
    .description('Consistency check: magic, version, lengths, structure, seal and state MACs, and every area tag through the recovery path')
    .option('--json', 'machine-readable output')
    .action(async (path: string, o: { json?: boolean }) => {
      const bytes = await readFile(path).catch((e: Error) => {
        throw new CliError(`cannot read ${path}: ${e.message}`);
      });
      await withVscDeps(async (deps) => {
        const report = await VirtualSmartCard.check(bytes, deps);
        if (o.json) printJson({ ok: true, ...report });
        else
          process.stdout.write(
            `${path}: OK (${report.type}, ${report.label}, version ${report.version}, sha256 ${report.contentHash}): ${report.checks.join(', ')}\n`,
          );
      });
    });

  passwordOption(
    vsc
      .command('keygen')
      .argument('<file>', 'VSC file')
      .description('Generate a key pair in a slot (node:crypto), optionally with a self-signed certificate')
      .requiredOption('--slot <slot>', 'PIV slot: 9a, 9c, 9d, 9e, 82..95', parseSlot)
      .requiredOption(
        '--alg <alg>',
        'rsa2048, rsa3072, p256 or p384',
        choice('--alg', Object.keys(GENERATED_ALGORITHMS) as GeneratedAlgorithmName[]),
      )
      .option('--self-signed <cn>', 'also store a self-signed certificate with this common name')
      .option('--days <n>', 'validity of the self-signed certificate', positiveInt('--days', 36500), 365)
      .option('--escrow <policy>', `escrow policy: ${ESCROW.join(', ')}`, choice('--escrow', ESCROW), 'escrow')
      .option(
        '--pin-policy <p>',
        'PIN policy when served: default, never, once, always',
        choice('--pin-policy', Object.keys(PIN_POLICIES)),
        'default',
      ),
  ).action(
    async (
      path: string,
      o: OpenOptions & {
        slot: number;
        alg: GeneratedAlgorithmName;
        selfSigned?: string;
        days: number;
        escrow: EscrowPolicy;
        pinPolicy: string;
      },
    ) => {
      await withVscDeps(async (deps) => {
        const file = await openVscFile(path, deps);
        try {
          await openAreas(file, o);
          const key = await file.vsc.generateKey(o.slot, GENERATED_ALGORITHMS[o.alg], {
            escrow: o.escrow,
            pinPolicy: PIN_POLICIES[o.pinPolicy],
          });
          if (o.selfSigned) file.vsc.putCertificate(await selfSignedCertificate(file.vsc, o.slot, o.selfSigned, o.days), { slot: o.slot });
          await file.save();
          process.stdout.write(
            `slot ${slotName(o.slot)}: ${o.alg} key generated (sha256:${fingerprint(key.spki)})${o.selfSigned ? `, self-signed certificate CN=${o.selfSigned}` : ''}; ${file.vsc.label} is now version ${file.vsc.version}\n`,
          );
        } finally {
          file.vsc.close();
        }
      });
    },
  );

  passwordOption(
    vsc
      .command('put-cert')
      .argument('<file>', 'VSC file')
      .description("Store a certificate in a slot (it must match the slot's key) or under a name")
      .requiredOption('--in <cert>', 'certificate, PEM or DER')
      .option('--slot <slot>', 'PIV slot', parseSlot)
      .option('--name <name>', 'object name (default cert-<slot>)'),
  ).action(async (path: string, o: OpenOptions & { in: string; slot?: number; name?: string }) => {
    if (o.slot === undefined && !o.name) throw new CliError('give --slot or --name');
    const der = await readCertificate(o.in);
    await withVscDeps(async (deps) => {
      const file = await openVscFile(path, deps);
      try {
        await openAreas(file, o);
        file.vsc.putCertificate(der, { slot: o.slot, name: o.name });
        await file.save();
        process.stdout.write(
          `certificate stored${o.slot !== undefined ? ` in slot ${slotName(o.slot)}` : ''}; ${file.vsc.label} is now version ${file.vsc.version}\n`,
        );
      } finally {
        file.vsc.close();
      }
    });
  });

  passwordOption(
    vsc
      .command('put-data')
      .argument('<file>', 'VSC file')
      .description('Store a data object (address, URLs, business card, account number…) in the public or private area')
      .requiredOption('--name <name>', 'object name')
      .requiredOption('--in <file>', 'the bytes to store')
      .option('--area <area>', 'public or private', choice('--area', ['public', 'private'] as const), 'public')
      .option('--media-type <type>', 'e.g. text/vcard, text/uri-list'),
  ).action(async (path: string, o: OpenOptions & { name: string; in: string; area: 'public' | 'private'; mediaType?: string }) => {
    const value = await readFile(o.in).catch((e: Error) => {
      throw new CliError(`cannot read ${o.in}: ${e.message}`);
    });
    await withVscDeps(async (deps) => {
      const file = await openVscFile(path, deps);
      try {
        await openAreas(file, o);
        file.vsc.putData({ name: o.name, area: o.area, value, mediaType: o.mediaType });
        await file.save();
        process.stdout.write(`"${o.name}" stored in the ${o.area} area; ${file.vsc.label} is now version ${file.vsc.version}\n`);
      } finally {
        file.vsc.close();
      }
    });
  });

  passwordOption(
    vsc
      .command('get-data')
      .argument('<file>', 'VSC file')
      .description('Write a data object to stdout or a file (private objects need the password)')
      .requiredOption('--name <name>', 'object name')
      .option('--out <file>', 'write here instead of stdout'),
  ).action(async (path: string, o: OpenOptions & { name: string; out?: string }) => {
    await withVscDeps(async (deps) => {
      const file = await openVscFile(path, deps);
      try {
        let obj = file.vsc.getObject(o.name);
        if (!obj) {
          await openAreas(file, o);
          obj = file.vsc.getObject(o.name);
        }
        if (!obj || obj.kind !== 'data') throw new CliError(`${path} has no data object "${o.name}"`);
        if (o.out) await writeFileAtomic(o.out, obj.value);
        else process.stdout.write(Buffer.from(obj.value));
      } finally {
        file.vsc.close();
      }
    });
  });

  passwordOption(
    vsc
      .command('sign')
      .argument('<file>', 'VSC file')
      .description("Sign a file with a slot's key (RSA PKCS#1 v1.5 or ECDSA DER)")
      .requiredOption('--slot <slot>', 'PIV slot', parseSlot)
      .requiredOption('--in <file>', 'data to sign')
      .requiredOption('--out <file>', 'signature')
      .option('--hash <hash>', 'sha256, sha384 or sha512', choice('--hash', ['sha256', 'sha384', 'sha512'] as const), 'sha256'),
  ).action(async (path: string, o: OpenOptions & { slot: number; in: string; out: string; hash: 'sha256' | 'sha384' | 'sha512' }) => {
    const data = await readFile(o.in).catch((e: Error) => {
      throw new CliError(`cannot read ${o.in}: ${e.message}`);
    });
    await withVscDeps(async (deps) => {
      const file = await openVscFile(path, deps);
      try {
        await openAreas(file, o);
        await writeFileAtomic(o.out, file.vsc.sign(o.slot, data, o.hash));
      } finally {
        file.vsc.close();
      }
    });
  });

  vsc
    .command('serve')
    .argument('<file>', 'VSC file')
    .description('Put the VSC into a vpcd virtual reader as a PIV card until stopped (SIGINT/SIGTERM = card removed)')
    .requiredOption('--port <port>', 'vpcd TCP port of the reader', positiveInt('--port', 65535))
    .option('--host <host>', 'vpcd host', '127.0.0.1')
    .action(async (path: string, o: { port: number; host: string }) => {
      await withVscDeps(async (deps) => {
        const file = await openVscFile(path, deps);
        const where = `${o.host}:${o.port}`;
        let closedByReader: (() => void) | undefined;
        const closed = new Promise<void>((r) => (closedByReader = r));
        let served;
        try {
          served = await serveVsc(file, {
            port: o.port,
            host: o.host,
            onClose: () => closedByReader?.(),
            onError: (e) => process.stderr.write(`scm: card error: ${e instanceof Error ? e.message : String(e)}\n`),
          });
        } catch (e) {
          if (e instanceof VscError && (e.code === VscErrorCode.Disabled || e.code === VscErrorCode.Expired)) {
            throw new CliError(`${e.message}: it is not served (enable it, or extend it, with scm vsc)`);
          }
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ECONNREFUSED')
            throw new CliError(`no vpcd reader is listening at ${where}: is pcscd running with the vpcd driver?`);
          throw e;
        }
        process.stdout.write(
          `${file.vsc.label} (id ${file.vsc.id}, version ${file.vsc.version}) inserted into the vpcd reader at ${where} as a PIV card; ATR ${Buffer.from(served.backend.identity.atr).toString('hex').toUpperCase()}. Stop with Ctrl-C.\n`,
        );
        const why = await new Promise<string>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
          void closed.then(() => resolve('closed'));
        });
        await served.remove();
        if (why === 'closed') throw new CliError(`the vpcd reader at ${where} closed the connection; the VSC is out`);
        process.stdout.write(`${file.vsc.label} removed (${why}).\n`);
      });
    });

  for (const [name, enable] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    vsc
      .command(name)
      .argument('<file>', 'VSC file')
      .description(
        enable ? 'Enable a disabled VSC' : 'Disable a VSC: it no longer opens with the password or serves as a card (kept for emergencies)',
      )
      .action(async (path: string) => {
        await withVscDeps(async (deps) => {
          const file = await openVscFile(path, deps);
          if (enable) await file.vsc.enable();
          else await file.vsc.disable();
          process.stdout.write(`${file.vsc.label} is ${file.vsc.state.status}\n`);
        });
      });
  }

  passwordOption(
    vsc
      .command('passwd')
      .argument('<file>', 'VSC file')
      .description('Change the password (with the old one), or with --recovery set a new one and unblock (officers)')
      .option('--new-password-file <file>', 'read the new password from this file (else $SCM_VSC_NEW_PASSWORD, else a prompt)'),
  ).action(async (path: string, o: OpenOptions & { newPasswordFile?: string }) => {
    await withVscDeps(async (deps) => {
      const file = await openVscFile(path, deps);
      try {
        await openAreas(file, o);
        const next = await readSecret({
          file: o.newPasswordFile,
          env: 'SCM_VSC_NEW_PASSWORD',
          prompt: 'new VSC password: ',
          confirm: true,
        });
        await file.vsc.setPin(next);
        await file.save();
        process.stdout.write(`password of ${file.vsc.label} changed; version ${file.vsc.version}, ${file.vsc.state.pin.remaining} tries\n`);
      } finally {
        file.vsc.close();
      }
    });
  });

  vsc
    .command('export')
    .argument('<file>', 'VSC file')
    .description('Check a VSC and save a copy to other media; --content-only writes the sealed content alone (what archives hold)')
    .requiredOption('--out <file>', 'destination (never overwritten)')
    .option('--content-only', 'without the state section')
    .action(async (path: string, o: { out: string; contentOnly?: boolean }) => {
      const bytes = await readFile(path).catch((e: Error) => {
        throw new CliError(`cannot read ${path}: ${e.message}`);
      });
      await withVscDeps(async (deps) => {
        const report = await VirtualSmartCard.check(bytes, deps);
        const out = o.contentOnly ? parseVscFile(bytes).content.bytes : bytes;
        await writeFileAtomic(o.out, out, { exclusive: true }).catch((e: NodeJS.ErrnoException) => {
          throw new CliError(e.code === 'EEXIST' ? `${o.out} exists` : `cannot write ${o.out}: ${e.message}`);
        });
        process.stdout.write(
          `${report.label} version ${report.version} exported to ${o.out} (${o.contentOnly ? 'sealed content' : 'standalone'}, sha256 ${report.contentHash})\n`,
        );
      });
    });

  vsc
    .command('import')
    .argument('<file>', 'VSC file from other media (standalone or sealed content)')
    .description('Check a VSC from other media and keep it as a standalone file; sealed content alone comes in disabled')
    .requiredOption('--out <file>', 'the standalone file (never overwritten)')
    .action(async (path: string, o: { out: string }) => {
      const bytes = await readFile(path).catch((e: Error) => {
        throw new CliError(`cannot read ${path}: ${e.message}`);
      });
      await withVscDeps(async (deps) => {
        await VirtualSmartCard.check(bytes, deps);
        const card = await VirtualSmartCard.load(bytes, deps);
        const out = await card.toStandaloneFile();
        await writeFileAtomic(o.out, out, { exclusive: true }).catch((e: NodeJS.ErrnoException) => {
          throw new CliError(e.code === 'EEXIST' ? `${o.out} exists` : `cannot write ${o.out}: ${e.message}`);
        });
        process.stdout.write(`${card.label} version ${card.version} imported into ${o.out}; status ${card.state.status}\n`);
      });
    });
}
