import { encodeTlv, parseTlv, parseTlvs, SW } from '@scm/apdu';
import { DEFAULT_DISCOVERY, isObjectTag, MAX_OBJECT_SIZE, ObjectTag, PIN_PROTECTED_OBJECTS } from '../piv.constants';
import { check, reply, type AppletContext, type AppletCommand, type AppletResponse } from './applet-context';

const TAG_LIST = 0x5c;
const DATA = 0x53;

function tagNumber(bytes: Uint8Array): number {
  check(bytes.length >= 1 && bytes.length <= 3, SW.WRONG_DATA);
  return bytes.reduce((n, b) => n * 256 + b, 0);
}

/** The outer tag an object is returned and written with: 7E and 7F61 carry their own, the rest 53. */
function outerTag(tag: number): number {
  return tag === ObjectTag.DISCOVERY || tag === ObjectTag.BIT_GROUP ? tag : DATA;
}

/** GET DATA (CB 3FFF): `5C len tag`; PIN-protected objects need the PIN. Discovery is built in. */
export async function getData(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  check(cmd.p1 === 0x3f && cmd.p2 === 0xff, SW.INCORRECT_P1P2);
  const list = parseTlv(cmd.data);
  check(list.tag === TAG_LIST, SW.WRONG_DATA);
  const tag = tagNumber(list.value);
  check(isObjectTag(tag), SW.FILE_NOT_FOUND);
  if (PIN_PROTECTED_OBJECTS.has(tag)) check(ctx.security.pinVerified, SW.SECURITY_STATUS_NOT_SATISFIED);
  let value = await ctx.backend.getObject(tag);
  if (value === undefined && tag === ObjectTag.DISCOVERY) value = DEFAULT_DISCOVERY;
  check(value !== undefined, SW.FILE_NOT_FOUND);
  return reply(encodeTlv(outerTag(tag), value));
}

/**
 * PUT DATA (DB 3FFF): `5C len tag 53 len value` (`53 00` deletes), or a bare `7E …` (Discovery)
 * or `7F61 …` (BIT group). Needs the management key.
 */
export async function putData(ctx: AppletContext, cmd: AppletCommand): Promise<AppletResponse> {
  check(cmd.p1 === 0x3f && cmd.p2 === 0xff, SW.INCORRECT_P1P2);
  check(ctx.security.mgmAuthenticated, SW.SECURITY_STATUS_NOT_SATISFIED);
  const tlvs = parseTlvs(cmd.data);
  let tag: number;
  let value: Uint8Array;
  if (tlvs.length === 1 && (tlvs[0].tag === ObjectTag.DISCOVERY || tlvs[0].tag === ObjectTag.BIT_GROUP)) {
    tag = tlvs[0].tag;
    value = tlvs[0].value;
  } else {
    check(tlvs.length === 2 && tlvs[0].tag === TAG_LIST && tlvs[1].tag === DATA, SW.WRONG_DATA);
    tag = tagNumber(tlvs[0].value);
    check(isObjectTag(tag) && outerTag(tag) === DATA, SW.WRONG_DATA);
    value = tlvs[1].value;
  }
  check(value.length <= MAX_OBJECT_SIZE, SW.NOT_ENOUGH_MEMORY);
  await ctx.backend.putObject(tag, value.length === 0 ? undefined : value);
  return reply();
}
