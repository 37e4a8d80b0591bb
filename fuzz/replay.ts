/**
 * `npm run fuzz -- --replay TARGET FILE...`: runs inputs (a finding of fuzz/out, a corpus case)
 * through a target once and prints the verdict: ok, the typed error, or the finding with its stack.
 */
import { readFileSync } from 'node:fs';
import { check } from './harness/engine';
import { targetByName } from './targets';

async function main(): Promise<void> {
  const [name, ...files] = process.argv.slice(3);
  if (!name || files.length === 0) {
    console.error('usage: npm run fuzz -- --replay TARGET FILE...');
    process.exit(2);
  }
  const t = targetByName(name);
  const state = await t.setup();
  let bad = 0;
  for (const f of files) {
    const input = new Uint8Array(readFileSync(f));
    const finding = await check(t, state, input);
    if (!finding) {
      let verdict = 'ok';
      try {
        await t.run(state, input);
      } catch (e) {
        verdict = `typed error: ${(e as Error).constructor.name}: ${(e as Error).message.slice(0, 200)}`;
      }
      console.log(`${f}: ${verdict}`);
    } else {
      bad++;
      console.log(`${f}: FINDING ${finding.kind} ${finding.message}`);
      try {
        await t.run(state, input);
      } catch (e) {
        console.log((e as Error).stack);
      }
    }
  }
  await t.teardown?.(state);
  process.exit(bad ? 1 : 0);
}

void main();
