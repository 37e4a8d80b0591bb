import type { PivCardBackend } from '../backend/piv-card-backend.port';
import type { SecurityState } from './security-state';

/** A complete command as the applet sees it: chaining already undone, Le reduced to Ne. */
export interface AppletCommand {
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  /** Ne from the Le field, undefined when there was no Le. */
  readonly ne?: number;
}

export interface AppletResponse {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** What a command handler works with. */
export interface AppletContext {
  readonly backend: PivCardBackend;
  readonly security: SecurityState;
  /** Randomness for witnesses and challenges; injectable so tests can fix them. */
  readonly random: (length: number) => Uint8Array;
}

export type CommandHandler = (ctx: AppletContext, cmd: AppletCommand) => Promise<AppletResponse>;

/** Ends a command with a status word and no data (the applet's way of refusing). */
export class StatusWordReply extends Error {
  constructor(readonly sw: number) {
    super(`SW=${sw.toString(16).toUpperCase().padStart(4, '0')}`);
    this.name = 'StatusWordReply';
  }
}

/** Throws the status word unless the condition holds. */
export function check(condition: unknown, sw: number): asserts condition {
  if (!condition) throw new StatusWordReply(sw);
}

export const reply = (data: Uint8Array = new Uint8Array(0), sw = 0x9000): AppletResponse => ({ data, sw });
