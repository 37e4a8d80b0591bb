import { readFileSync } from 'node:fs';
import { targetByName } from '/work/wt-fuzz/fuzz/targets';
(async () => {
  const t = targetByName(process.argv[2]);
  const s = await t.setup();
  for (const f of process.argv.slice(3)) {
    const t0 = performance.now();
    try { await t.run(s, new Uint8Array(readFileSync(f))); console.log(f, 'ok', Math.round(performance.now()-t0), 'ms'); }
    catch (e) { console.log(f, (e as Error).stack?.split('\n').slice(0,8).join('\n')); }
  }
})();
