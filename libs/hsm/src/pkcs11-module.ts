import { Module } from 'graphene-pk11';
import * as pkcs11 from 'pkcs11js';
import { HsmError, HsmErrorCode } from './hsm-errors';
import { retainArgumentsOfAsyncCalls } from './pkcs11-retain';

/*
 * PKCS#11 allows one C_Initialize per library per process, and C_Finalize tears the library down
 * for every user in the process. So SCM loads each module exactly once, here, and never finalizes
 * it while the process runs. node-webcrypto-p11 must not be given a library path (its close()
 * would call C_Finalize under everyone): it is always built over a session from this registry.
 *
 * CKF_OS_LOCKING_OK: pkcs11js runs the callback forms of C_Sign, C_GenerateKeyPair, ... on libuv
 * worker threads, so the library must lock. Without the flag SoftHSM2 assumes one thread.
 */
const modules = new Map<string, Module>();

/** The process-wide, initialised PKCS#11 module for a library path (loaded on first use). */
export function pkcs11Module(path: string): Module {
  const existing = modules.get(path);
  if (existing) return existing;
  let mod: Module;
  try {
    mod = Module.load(path);
    retainArgumentsOfAsyncCalls(mod.lib);
  } catch (e) {
    throw new HsmError(HsmErrorCode.Unavailable, `cannot load the PKCS#11 module ${path}: ${firstLine(e)}`, { module: path }, { cause: e });
  }
  try {
    mod.initialize({ flags: pkcs11.CKF_OS_LOCKING_OK });
  } catch (e) {
    // graphene already tolerates CKR_CRYPTOKI_ALREADY_INITIALIZED (another loader in this process).
    throw new HsmError(
      HsmErrorCode.Unavailable,
      `cannot initialise the PKCS#11 module ${path}: ${firstLine(e)}`,
      { module: path },
      { cause: e },
    );
  }
  modules.set(path, mod);
  return mod;
}

/**
 * Initialises a loaded module again (C_Finalize, then C_Initialize), so the library reads its
 * tokens afresh. C_Finalize ends every session of the module in this process: call it only when
 * none is doing work (see openTokenSession).
 */
export function reinitializePkcs11Module(path: string): Module {
  const mod = modules.get(path);
  if (!mod) return pkcs11Module(path);
  try {
    mod.finalize();
  } catch {
    /* not initialised: C_Initialize below is what matters */
  }
  try {
    mod.initialize({ flags: pkcs11.CKF_OS_LOCKING_OK });
  } catch (e) {
    modules.delete(path);
    throw new HsmError(
      HsmErrorCode.Unavailable,
      `cannot initialise the PKCS#11 module ${path} again: ${firstLine(e)}`,
      { module: path },
      { cause: e },
    );
  }
  return mod;
}

/** Finalizes every loaded module; only for the very end of a process (tools, benchmarks). */
export function finalizePkcs11Modules(): void {
  for (const [path, mod] of modules) {
    try {
      mod.finalize();
    } catch {
      /* already finalized */
    }
    modules.delete(path);
  }
}

/** The PKCS#11 return-value name in an error from pkcs11js/graphene (e.g. CKR_PIN_INCORRECT). */
export function ckrOf(e: unknown): string | undefined {
  const m = /\b(CKR_[A-Z0-9_]+)\b/.exec(e instanceof Error ? e.message : String(e));
  return m?.[1];
}

export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
