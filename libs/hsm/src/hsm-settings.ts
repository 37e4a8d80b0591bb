import { readFileSync } from 'node:fs';
import { hsmPinFile } from '@scm/config';
import { HsmError, HsmErrorCode } from './hsm-errors';

export interface HsmSettings {
  module: string;
  tokenLabel: string;
  /** -1: find the token by label. */
  slot: number;
  pin: string;
}

/** Builds settings from validated configuration, reading the PIN from its file when not given. */
export function hsmSettingsFrom(cfg: {
  SCM_PKCS11_MODULE: string;
  SCM_PKCS11_TOKEN_LABEL: string;
  SCM_PKCS11_SLOT: number;
  SCM_PKCS11_PIN: string;
  SCM_PKCS11_PIN_FILE: string;
  SCM_STATE_DIR: string;
}): HsmSettings {
  let pin = cfg.SCM_PKCS11_PIN;
  if (!pin) {
    const file = cfg.SCM_PKCS11_PIN_FILE || hsmPinFile(cfg.SCM_STATE_DIR);
    try {
      pin = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new HsmError(
        HsmErrorCode.LoginFailed,
        `cannot read the HSM PIN file ${file}; set SCM_PKCS11_PIN_FILE or run scripts/setup`,
        { file },
        { cause: e },
      );
    }
  }
  return { module: cfg.SCM_PKCS11_MODULE, tokenLabel: cfg.SCM_PKCS11_TOKEN_LABEL, slot: cfg.SCM_PKCS11_SLOT, pin };
}
