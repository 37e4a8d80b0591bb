import { encodeConstructed, encodeTlv, encodeTlvs, parseTlv, parseTlvs, SW, type Tlv } from '@scm/apdu';
import type { KeyObject } from 'node:crypto';
import type { KeyPolicy, PrivateOperation, SlotKeyInfo } from '../backend/piv-card-backend.port';
import { ecKeyFromScalar, isKeyAlgorithm, isRsa, keyByteLength, publicKeyElements, rsaKeyFromCrt } from '../crypto/key-ops';
import {
  defaultPinPolicy,
  isKeySlot,
  KeyRef,
  PinPolicy,
  TouchPolicy,
  type KeyAlgorithmId,
  type PinPolicyId,
  type TouchPolicyId,
} from '../piv.constants';
import { check, reply, type AppletContext, type AppletCommand, type AppletResponse } from './applet-context';
import { dynamicAuthTemplate } from './management-key.handlers';

const T = {
  CONTROL: 0xac,
  ALGORITHM: 0x80,
  PIN_POLICY: 0xaa,
  TOUCH_POLICY: 0xab,
  PUBLIC_KEY: 0x7f49,
  RESPONSE: 0x82,
  CHALLENGE: 0x81,
  EXPONENTIATION: 0x85,
} as const;

/** Slots GENERATE and GENERAL AUTHENTICATE accept: the key slots without F9. */
const isUsableSlot = (slot: number): boolean => isKeySlot(slot) && slot !== KeyRef.ATTESTATION;

function policyFrom(slot: number, tlvs: readonly Tlv[]): KeyPolicy {
  const one = (tag: number): number | undefined => {
    const t = tlvs.find((x) => x.tag === tag);
    if (!t) return undefined;
    check(t.value.length === 1 && t.value[0] <= 3, SW.WRONG_DATA);
    return t.value[0];
  };
  const pin = one(T.PIN_POLICY) ?? PinPolicy.DEFAULT;
  const touch = one(T.TOUCH_POLICY) ?? TouchPolicy.DEFAULT;
  return {
    pin: (pin === PinPolicy.DEFAULT ? defaultPinPolicy(slot) : pin) as PinPolicyId,
    touch: (touch === TouchPolicy.DEFAULT ? TouchPolicy.NEVER : touch) as TouchPolicyId,
  };
}

/** `7F49 { 81 n, 82 e }` or `7F49 { 86 point }`: the public key as GENERATE returns it. */
export function publicKeyTemplate(publicKey: KeyObject): Uint8Array {
  return encodeTlv(T.PUBLIC_KEY, encodeTlvs(publicKeyElements(publicKey)));
}

/** GENERATE ASYMMETRIC KEY PAIR (47): `AC { 80 alg, [AA pin], [AB touch] }`; needs the management key. */
export async function generate(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  check(cmd.p1 === 0x00 && isUsableSlot(cmd.p2), SW.INCORRECT_P1P2);
  check(ctx.security.mgmAuthenticated, SW.SECURITY_STATUS_NOT_SATISFIED);
  const control = parseTlv(cmd.data);
  check(control.tag === T.CONTROL, SW.WRONG_DATA);
  const tlvs = parseTlvs(control.value);
  const alg = tlvs.find((t) => t.tag === T.ALGORITHM)?.value;
  check(alg?.length === 1 && isKeyAlgorithm(alg[0]), SW.WRONG_DATA);
  check(
    tlvs.every((t) => t.tag === T.ALGORITHM || t.tag === T.PIN_POLICY || t.tag === T.TOUCH_POLICY),
    SW.WRONG_DATA,
  );
  const info = await ctx.backend.generateKey(cmd.p2, alg[0] as KeyAlgorithmId, policyFrom(cmd.p2, tlvs));
  return reply(publicKeyTemplate(info.publicKey));
}

/**
 * Yubico IMPORT ASYMMETRIC KEY (FE alg slot): RSA as CRT components `01`..`05` (e = 65537), EC as
 * the scalar `06`; optional `AA`/`AB` policies. Needs the management key.
 */
export async function importKey(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  check(isKeySlot(cmd.p2), SW.INCORRECT_P1P2);
  check(isKeyAlgorithm(cmd.p1), SW.INCORRECT_P1P2);
  check(ctx.security.mgmAuthenticated, SW.SECURITY_STATUS_NOT_SATISFIED);
  const alg = cmd.p1 as KeyAlgorithmId;
  const tlvs = parseTlvs(cmd.data);
  check(new Set(tlvs.map((t) => t.tag)).size === tlvs.length, SW.WRONG_DATA);
  const get = (tag: number): Uint8Array | undefined => tlvs.find((t) => t.tag === tag)?.value;
  const keyTags = isRsa(alg) ? [1, 2, 3, 4, 5] : [6];
  check(
    tlvs.every((t) => keyTags.includes(t.tag) || t.tag === T.PIN_POLICY || t.tag === T.TOUCH_POLICY),
    SW.WRONG_DATA,
  );
  const size = isRsa(alg) ? keyByteLength(alg) / 2 : keyByteLength(alg);
  const parts = keyTags.map((t) => get(t));
  check(
    parts.every((p) => p !== undefined && p.length > 0 && p.length <= size),
    SW.WRONG_DATA,
  );
  const [p, q, dp, dq, qinv] = parts as Uint8Array[];
  let key: KeyObject;
  try {
    key = isRsa(alg) ? rsaKeyFromCrt(alg, { p, q, dp, dq, qinv }) : ecKeyFromScalar(alg, p);
  } catch {
    return reply(undefined, SW.WRONG_DATA);
  }
  await ctx.backend.importKey(cmd.p2, alg, key, policyFrom(cmd.p2, tlvs));
  return reply();
}

/**
 * GENERAL AUTHENTICATE with a key slot: `7C { 82 00, 81 input }` signs or decrypts (raw RSA, or
 * ECDSA over a digest returning DER), `7C { 82 00, 85 point }` is ECDH. The PIN policy is
 * enforced here: "once" needs the PIN verified, "always" a VERIFY immediately before.
 */
export async function useSlotKey(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  const slot = cmd.p2;
  check(isUsableSlot(slot), SW.INCORRECT_P1P2);
  const key = await ctx.backend.getKey(slot);
  check(key, SW.REFERENCE_NOT_FOUND);
  check(cmd.p1 === key.algorithm, SW.INCORRECT_P1P2);
  const tlvs = dynamicAuthTemplate(cmd.data);
  const get = (tag: number): Uint8Array | undefined => tlvs.find((t) => t.tag === tag)?.value;
  const response = get(T.RESPONSE);
  const challenge = get(T.CHALLENGE);
  const point = get(T.EXPONENTIATION);
  check(tlvs.length === 2 && response?.length === 0 && (challenge !== undefined) !== (point !== undefined), SW.WRONG_DATA);
  checkPinPolicy(ctx, key);
  let op: PrivateOperation;
  if (point !== undefined) {
    check(!isRsa(key.algorithm), SW.WRONG_DATA);
    op = { kind: 'ecdh', peerPoint: point };
  } else if (isRsa(key.algorithm)) {
    op = { kind: 'rsa-raw', input: challenge as Uint8Array };
  } else {
    op = { kind: 'ecdsa', hash: challenge as Uint8Array };
  }
  const out = await ctx.backend.privateOperation(slot, op);
  return reply(encodeConstructed(0x7c, encodeTlv(T.RESPONSE, out)));
}

function checkPinPolicy(ctx: AppletContext, key: SlotKeyInfo): void {
  const { security } = ctx;
  if (key.policy.pin === PinPolicy.NEVER) return;
  check(security.pinVerified, SW.SECURITY_STATUS_NOT_SATISFIED);
  if (key.policy.pin === PinPolicy.ALWAYS) check(security.pinJustVerified, SW.SECURITY_STATUS_NOT_SATISFIED);
}

/**
 * Yubico GET METADATA (F7 00 ref): `01` algorithm, `02` [pin, touch] policy, `03` origin,
 * `04` public key, `05` is-default, `06` [total, remaining] retries.
 */
export async function metadata(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  check(cmd.p1 === 0x00, SW.INCORRECT_P1P2);
  const ref = cmd.p2;
  const tlv = (tag: number, ...bytes: number[]): Tlv => ({ tag, value: Uint8Array.from(bytes) });
  if (ref === KeyRef.PIN || ref === KeyRef.PUK) {
    const s = await ctx.backend.retryState(ref);
    return reply(encodeTlvs([tlv(0x01, 0xff), tlv(0x05, s.isDefault ? 1 : 0), tlv(0x06, s.total, s.remaining)]));
  }
  if (ref === KeyRef.MANAGEMENT) {
    const k = await ctx.backend.managementKey();
    return reply(encodeTlvs([tlv(0x01, k.algorithm), tlv(0x02, 0x00, k.touchPolicy), tlv(0x05, k.isDefault ? 1 : 0)]));
  }
  check(isKeySlot(ref), SW.INCORRECT_P1P2);
  const key = await ctx.backend.getKey(ref);
  check(key, SW.REFERENCE_NOT_FOUND);
  return reply(
    encodeTlvs([
      tlv(0x01, key.algorithm),
      tlv(0x02, key.policy.pin, key.policy.touch),
      tlv(0x03, key.origin === 'generated' ? 1 : 2),
      { tag: 0x04, value: encodeTlvs(publicKeyElements(key.publicKey)) },
    ]),
  );
}

/** Yubico ATTEST (F9 slot 00): a certificate for a generated key, signed by the F9 key. */
export async function attest(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  const { backend } = ctx;
  if (!backend.attest) return reply(undefined, SW.INS_NOT_SUPPORTED);
  check(cmd.p2 === 0x00 && isUsableSlot(cmd.p1), SW.INCORRECT_P1P2);
  const key = await backend.getKey(cmd.p1);
  check(key, SW.REFERENCE_NOT_FOUND);
  // A YubiKey only vouches for keys it generated itself.
  check(key.origin === 'generated', SW.WRONG_DATA);
  const cert = await backend.attest(cmd.p1);
  check(cert, SW.REFERENCE_NOT_FOUND);
  return reply(cert);
}
