import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** fuzz/corpus/<target>/<case>.bin with a one-line note in <case>.txt: inputs that once went wrong. */
export const CORPUS_DIR = join(__dirname, '..', 'corpus');

export interface CorpusCase {
  target: string;
  name: string;
  input: Uint8Array;
  note: string;
}

export function readCorpus(target?: string): CorpusCase[] {
  if (!existsSync(CORPUS_DIR)) return [];
  const targets = target ? [target] : readdirSync(CORPUS_DIR).filter((d) => !d.includes('.'));
  const out: CorpusCase[] = [];
  for (const t of targets) {
    const dir = join(CORPUS_DIR, t);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)
      .filter((x) => x.endsWith('.bin'))
      .sort()) {
      const name = f.slice(0, -4);
      const notePath = join(dir, `${name}.txt`);
      out.push({
        target: t,
        name,
        input: new Uint8Array(readFileSync(join(dir, f))),
        note: existsSync(notePath) ? readFileSync(notePath, 'utf8').trim() : '',
      });
    }
  }
  return out;
}

/** Adds a case (the regression case of a fixed finding). */
export function addCase(target: string, name: string, input: Uint8Array, note: string): string {
  const dir = join(CORPUS_DIR, target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.bin`), input);
  writeFileSync(join(dir, `${name}.txt`), `${note.replace(/\s*\n\s*/g, ' ').trim()}\n`);
  return join(dir, `${name}.bin`);
}
