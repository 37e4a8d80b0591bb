import { Ins } from '../piv.constants';

/**
 * A command the card answers with a fixed status word, every time: a card that refuses it, as some
 * real cards do (a firmware object they will not have written, a key they will not import). For
 * fault tests and demonstrations; a card has none by default.
 */
export interface CommandRefusal {
  ins: number;
  /** PUT DATA / GET DATA only: the object's tag (0x5fc102 CHUID, 0x7e Discovery, …). */
  object?: number;
  /** P2 (the key slot of IMPORT, GENERATE, GENERAL AUTHENTICATE). */
  p2?: number;
  sw: number;
}

/** The object tag a PUT DATA or GET DATA names (`5C len tag`, or a bare `7E` Discovery write), if any. */
export function dataObjectTag(ins: number, data: Uint8Array): number | undefined {
  if (ins !== Ins.PUT_DATA && ins !== Ins.GET_DATA) return undefined;
  if (ins === Ins.PUT_DATA && data[0] === 0x7e) return 0x7e;
  if (data[0] !== 0x5c || data.length < 2 || data.length < 2 + data[1]) return undefined;
  return data.subarray(2, 2 + data[1]).reduce((t, b) => t * 256 + b, 0);
}

/** The status word a refusal rule gives this command, or undefined (the card does it). */
export function refusalFor(rules: readonly CommandRefusal[], cmd: { ins: number; p2: number; data: Uint8Array }): number | undefined {
  for (const r of rules) {
    if (r.ins !== cmd.ins) continue;
    if (r.p2 !== undefined && r.p2 !== cmd.p2) continue;
    if (r.object !== undefined && r.object !== dataObjectTag(cmd.ins, cmd.data)) continue;
    return r.sw;
  }
  return undefined;
}
