import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CliError } from './output';

/** Reads one line from the terminal without echoing it (passwords, PINs). */
export function promptSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new CliError(`${question.replace(/:\s*$/, '')}: no terminal to ask on; use --password-file or the environment variable`);
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput?: (s: string) => void; output: NodeJS.WriteStream };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) {
        process.stderr.write(s);
        asked = true;
      }
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
  });
}

/** Reads one line from the terminal, echoed. */
export function prompt(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError(`${question.replace(/:\s*$/, '')}: no terminal to ask on`);
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(question, (a) => {
      rl.close();
      resolve(a.trim());
    });
  });
}

/**
 * A secret from a file (first line), an environment variable, or a prompt — never from an argument,
 * where it would land in the shell history and the process list.
 */
export async function readSecret(opts: { file?: string; envVar: string; question: string; confirm?: boolean }): Promise<string> {
  if (opts.file) {
    try {
      return readFileSync(opts.file, 'utf8').split('\n')[0];
    } catch (e) {
      throw new CliError(`cannot read ${opts.file}: ${(e as Error).message}`);
    }
  }
  const env = process.env[opts.envVar];
  if (env) return env;
  const v = await promptSecret(opts.question);
  if (opts.confirm && (await promptSecret('Again: ')) !== v) throw new CliError('the two entries differ');
  return v;
}
