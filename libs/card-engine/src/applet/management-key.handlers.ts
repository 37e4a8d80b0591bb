import { encodeConstructed, encodeTlv, parseTlv, parseTlvs, SW, type Tlv } from '@scm/apdu';
import { bytesEqual, isMgmAlgorithm, mgmBlockSize, mgmKeyLength } from '../crypto/management-key';
import { TouchPolicy } from '../piv.constants';
import { check, reply, type AppletContext, type AppletCommand, type AppletResponse } from './applet-context';

const T = { WITNESS: 0x80, CHALLENGE: 0x81, RESPONSE: 0x82, TEMPLATE: 0x7c } as const;

/** The inner TLVs of a 7C dynamic authentication template (6A80 when malformed). */
export function dynamicAuthTemplate(data: Uint8Array): Tlv[] {
  const outer = parseTlv(data);
  check(outer.tag === T.TEMPLATE, SW.WRONG_DATA);
  const inner = parseTlvs(outer.value);
  check(new Set(inner.map((t) => t.tag)).size === inner.length, SW.WRONG_DATA);
  return inner;
}

/**
 * GENERAL AUTHENTICATE with 9B. Mutual: `80 00` gets E(W); `80 W 81 C` proves the host knows
 * the key and gets E(C). One-way: `81 00` gets C; `82 E(C)` proves the key.
 */
export async function authenticateManagementKey(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  const { security } = ctx;
  const pending = security.mgmPending;
  security.mgmPending = undefined;
  const key = await ctx.backend.managementKey();
  check(cmd.p1 === key.algorithm, SW.INCORRECT_P1P2);
  const block = mgmBlockSize(key.algorithm);
  const tlvs = dynamicAuthTemplate(cmd.data);
  const get = (tag: number): Uint8Array | undefined => tlvs.find((t) => t.tag === tag)?.value;
  const witness = get(T.WITNESS);
  const challenge = get(T.CHALLENGE);
  const response = get(T.RESPONSE);
  const only = (...tags: number[]): boolean => tlvs.length === tags.length && tags.every((t) => get(t) !== undefined);

  if (only(T.WITNESS) && witness?.length === 0) {
    security.mgmAuthenticated = false;
    const w = ctx.random(block);
    security.mgmPending = { step: 'witness', value: w, algorithm: key.algorithm };
    return reply(encodeConstructed(T.TEMPLATE, encodeTlv(T.WITNESS, await key.encryptBlock(w))));
  }
  if (only(T.CHALLENGE) && challenge?.length === 0) {
    security.mgmAuthenticated = false;
    const c = ctx.random(block);
    security.mgmPending = { step: 'challenge', value: c, algorithm: key.algorithm };
    return reply(encodeConstructed(T.TEMPLATE, encodeTlv(T.CHALLENGE, c)));
  }
  if (only(T.WITNESS, T.CHALLENGE) && witness && challenge) {
    check(witness.length === block && challenge.length === block, SW.WRONG_DATA);
    const ok = pending?.step === 'witness' && pending.algorithm === key.algorithm && bytesEqual(witness, pending.value);
    check(ok, SW.SECURITY_STATUS_NOT_SATISFIED);
    security.mgmAuthenticated = true;
    return reply(encodeConstructed(T.TEMPLATE, encodeTlv(T.RESPONSE, await key.encryptBlock(challenge))));
  }
  if (only(T.RESPONSE) && response) {
    check(response.length === block, SW.WRONG_DATA);
    const expected =
      pending?.step === 'challenge' && pending.algorithm === key.algorithm ? await key.encryptBlock(pending.value) : undefined;
    check(expected && bytesEqual(response, expected), SW.SECURITY_STATUS_NOT_SATISFIED);
    security.mgmAuthenticated = true;
    return reply();
  }
  return reply(undefined, SW.WRONG_DATA);
}

/** Yubico SET MANAGEMENT KEY (FF): `alg 9B len key`; P2 FE asks for touch. */
export async function setManagementKey(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  check(cmd.p1 === 0xff && (cmd.p2 === 0xff || cmd.p2 === 0xfe), SW.INCORRECT_P1P2);
  check(ctx.security.mgmAuthenticated, SW.SECURITY_STATUS_NOT_SATISFIED);
  const d = cmd.data;
  check(d.length >= 3 && d[1] === 0x9b, SW.WRONG_DATA);
  const alg = d[0];
  check(isMgmAlgorithm(alg), SW.WRONG_DATA);
  check(d[2] === mgmKeyLength(alg) && d.length === 3 + d[2], SW.WRONG_DATA);
  await ctx.backend.setManagementKey(alg, d.subarray(3), cmd.p2 === 0xfe ? TouchPolicy.ALWAYS : TouchPolicy.NEVER);
  return reply();
}
