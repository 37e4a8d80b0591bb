import type { VscState } from '@scm/vsc';
import type { VscVersionFacts } from './vsc.repository';

/** A sealed version as the API shows it: hashes in hex, times in ISO 8601, never its content. */
export interface VscVersionView {
  version: number;
  sha256: string;
  size: number;
  kek: string;
  recovery: string;
  reason: string;
  createdAt: string;
  escrowedAt: string | null;
}

/** VscState as JSON (the ATR of a binding as hex), as the vsc row stores it. */
export type VscStateView = Omit<VscState, 'binding'> & { binding?: { serial: string; atr?: string } };

/** A VSC's state as the vsc row stores it. */
export function stateToJson(s: VscState): VscStateView {
  const { binding, ...rest } = s;
  return binding
    ? { ...rest, binding: { serial: binding.serial, ...(binding.atr ? { atr: Buffer.from(binding.atr).toString('hex') } : {}) } }
    : rest;
}

/** A VSC's state read back from its row. */
export function stateFromJson(j: VscStateView): VscState {
  const { binding, ...rest } = j;
  return binding
    ? { ...rest, binding: { serial: binding.serial, ...(binding.atr ? { atr: Buffer.from(binding.atr, 'hex') } : {}) } }
    : rest;
}

/** The view of a version's facts. */
export function versionView(v: VscVersionFacts): VscVersionView {
  return {
    version: v.version,
    sha256: v.sha256.toString('hex'),
    size: v.size,
    kek: v.kekLabel,
    recovery: v.recoveryLabel,
    reason: v.reason,
    createdAt: v.createdAt.toISOString(),
    escrowedAt: v.escrowedAt?.toISOString() ?? null,
  };
}
