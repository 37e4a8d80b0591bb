/*
 * Child-process helper for HSM tests. Reads the HSM settings from the environment
 * (PROBE_MODULE, PROBE_TOKEN, PROBE_PIN) and runs one action, printing one JSON line:
 *   open           -> {ok:true} or {ok:false, code, message}
 *   sign LABEL HEX -> {ok:true, spki, signature}  (getOrCreate when PROBE_CREATE=1, else get)
 *   open-later     -> initialises the module, prints {loaded:true}, waits for a line on stdin,
 *                     then does as open (the token changes on disk in between)
 */
import { HsmContext, HsmError, pkcs11Module } from '@scm/hsm';

async function main(): Promise<unknown> {
  const settings = {
    module: process.env.PROBE_MODULE ?? '',
    tokenLabel: process.env.PROBE_TOKEN ?? '',
    slot: -1,
    pin: process.env.PROBE_PIN ?? '',
  };
  const [action, label, hex] = process.argv.slice(2);
  if (action === 'open-later') {
    pkcs11Module(settings.module);
    process.stdout.write(JSON.stringify({ loaded: true }) + '\n');
    await new Promise((r) => process.stdin.once('data', r));
    process.stdin.pause();
  }
  const ctx = HsmContext.open(settings, { sessions: 1 });
  try {
    if (action === 'open' || action === 'open-later') return { ok: true, ping: await ctx.ping() };
    if (action === 'sign') {
      const ref = { label, version: 1 };
      const key = process.env.PROBE_CREATE === '1' ? await ctx.getOrCreateSigningKey(ref, 'P-256') : await ctx.getSigningKey(ref, 'P-256');
      const sig = await key.sign(Buffer.from(hex, 'hex'));
      return { ok: true, spki: key.spki.toString('base64'), signature: sig.toString('base64') };
    }
    throw new Error(`unknown action ${action}`);
  } finally {
    ctx.close();
  }
}

main().then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: unknown) => {
    const err = e as Error;
    process.stdout.write(JSON.stringify({ ok: false, code: e instanceof HsmError ? e.code : undefined, message: err.message }) + '\n');
  },
);
