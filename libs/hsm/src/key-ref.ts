import { HsmError, HsmErrorCode } from './hsm-errors';

/**
 * Names a key in the HSM: a label and a version. The PKCS#11 CKA_LABEL is `label/version`
 * (e.g. `scm-audit-checkpoint/1`); the same string goes into VSC headers and manifests, so a
 * rotated key gets a new version and the old one stays for the data it protects.
 */
export interface KeyRef {
  readonly label: string;
  readonly version: number;
}

const LABEL = /^[a-z0-9][a-z0-9._-]{0,54}$/;

/** The CKA_LABEL of a key reference; validates label and version. */
export function keyLabel(ref: KeyRef): string {
  if (!LABEL.test(ref.label)) {
    throw new HsmError(HsmErrorCode.OperationFailed, `invalid HSM key label "${ref.label}" (lower-case letters, digits, . _ -)`, {
      label: ref.label,
    });
  }
  if (!Number.isInteger(ref.version) || ref.version < 1 || ref.version > 1_000_000) {
    throw new HsmError(HsmErrorCode.OperationFailed, `invalid HSM key version ${ref.version} for "${ref.label}"`, { label: ref.label });
  }
  return `${ref.label}/${ref.version}`;
}

/** Parses `label/version` back into a reference; undefined for labels SCM did not write. */
export function parseKeyLabel(text: string): KeyRef | undefined {
  const m = /^(.+)\/(\d+)$/.exec(text);
  if (!m || !LABEL.test(m[1])) return undefined;
  return { label: m[1], version: Number(m[2]) };
}

/** Parses `label/version` given on a command line or in configuration; throws when malformed. */
export function keyRefFrom(text: string): KeyRef {
  const ref = parseKeyLabel(text);
  if (!ref) throw new HsmError(HsmErrorCode.OperationFailed, `"${text}" is not an HSM key reference of the form label/version`, {});
  return ref;
}
