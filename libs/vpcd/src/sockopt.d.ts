declare module 'sockopt' {
  import type { Socket } from 'node:net';
  export function setsockopt(socket: Socket, level: number, option: number, value: number): void;
  export function getsockopt(socket: Socket, level: number, option: number): number;
}
