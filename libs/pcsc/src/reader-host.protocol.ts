/** Messages between a card channel and its reader host child process (structured-clone IPC). */
export type HostRequest =
  | { id: number; op: 'connect'; reader: string; share: 'exclusive' | 'shared'; protocols: Array<'T0' | 'T1'> }
  | { id: number; op: 'transmit'; apdu: Uint8Array }
  | { id: number; op: 'disconnect'; disposition: 'leave' | 'reset' | 'unpower' };

export type HostReply =
  { id: number; ok: true; protocol?: 'T0' | 'T1'; atr?: string; data?: Uint8Array } | { id: number; ok: false; error: string };
