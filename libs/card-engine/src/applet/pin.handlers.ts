import { SW } from '@scm/apdu';
import type { PinCheck, PinReference } from '../backend/piv-card-backend.port';
import { KeyRef } from '../piv.constants';
import { check, reply, StatusWordReply, type AppletContext, type AppletCommand, type AppletResponse } from './applet-context';

const PADDED = 8;

/** 63Cx with x = tries left (capped at 15, the nibble's range). */
export const retriesSw = (remaining: number): number => 0x63c0 | Math.min(remaining, 15);

/** A PIN or PUK the card accepts as a new value: 6..8 bytes, FF-padded to 8, no FF inside. */
function checkNewValue(padded: Uint8Array): void {
  let len = PADDED;
  while (len > 0 && padded[len - 1] === 0xff) len--;
  check(len >= 6, SW.WRONG_DATA);
  for (let i = 0; i < len; i++) check(padded[i] !== 0xff, SW.WRONG_DATA);
}

function checkResult(result: PinCheck): void {
  if (!result.ok) throw new StatusWordReply(retriesSw(result.remaining));
}

async function ensureNotBlocked(ctx: AppletContext, ref: PinReference): Promise<void> {
  const state = await ctx.backend.retryState(ref);
  check(state.remaining > 0, SW.AUTH_METHOD_BLOCKED);
}

/** VERIFY (20): check the PIN, status query without data, logout with P1=FF. */
export async function verify(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  const { security } = ctx;
  if (cmd.p1 === 0xff) {
    check(cmd.p2 === KeyRef.PIN && cmd.data.length === 0, SW.INCORRECT_P1P2);
    security.pinVerified = false;
    security.pinJustVerified = false;
    return reply();
  }
  check(cmd.p1 === 0x00, SW.INCORRECT_P1P2);
  check(cmd.p2 === KeyRef.PIN, SW.REFERENCE_NOT_FOUND);
  if (cmd.data.length === 0) {
    if (security.pinVerified) return reply();
    const state = await ctx.backend.retryState(KeyRef.PIN);
    check(state.remaining > 0, SW.AUTH_METHOD_BLOCKED);
    return reply(undefined, retriesSw(state.remaining));
  }
  check(cmd.data.length === PADDED, SW.WRONG_DATA);
  await ensureNotBlocked(ctx, KeyRef.PIN);
  const result = await ctx.backend.verifyReference(KeyRef.PIN, cmd.data);
  security.pinVerified = result.ok;
  security.pinJustVerified = result.ok;
  checkResult(result);
  return reply();
}

/** CHANGE REFERENCE DATA (24) for the PIN (80) or the PUK (81): old and new value, 8 bytes each. */
export async function changeReference(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  check(cmd.p1 === 0x00, SW.INCORRECT_P1P2);
  check(cmd.p2 === KeyRef.PIN || cmd.p2 === KeyRef.PUK, SW.REFERENCE_NOT_FOUND);
  const ref = cmd.p2 as PinReference;
  check(cmd.data.length === 2 * PADDED, SW.WRONG_DATA);
  const current = cmd.data.subarray(0, PADDED);
  const next = cmd.data.subarray(PADDED);
  checkNewValue(next);
  await ensureNotBlocked(ctx, ref);
  const result = await ctx.backend.changeReference(ref, current, next);
  if (!result.ok && ref === KeyRef.PIN) ctx.security.pinVerified = false;
  checkResult(result);
  return reply();
}

/** RESET RETRY COUNTER (2C): PUK and new PIN, 8 bytes each; unblocks the PIN. */
export async function resetRetryCounter(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  check(cmd.p1 === 0x00, SW.INCORRECT_P1P2);
  check(cmd.p2 === KeyRef.PIN, SW.REFERENCE_NOT_FOUND);
  check(cmd.data.length === 2 * PADDED, SW.WRONG_DATA);
  const puk = cmd.data.subarray(0, PADDED);
  const pin = cmd.data.subarray(PADDED);
  checkNewValue(pin);
  await ensureNotBlocked(ctx, KeyRef.PUK);
  checkResult(await ctx.backend.unblockPin(puk, pin));
  return reply();
}
