import { randomInt } from 'node:crypto';
import { buildSecurityObject, buildSignedChuid, PIV_CONTAINER, type CmsSigner } from '@scm/ca';
import { parseTlvs } from '@scm/apdu';
import { encodeCcc, encodeDiscovery } from '@scm/piv';
import { CCC_TAG, CHUID_TAG, DISCOVERY_TAG, SECURITY_OBJECT_TAG, type VirtualSmartCard } from '@scm/vsc';

/** Names of the card objects in an issued VSC (the same names a card backup uses). */
export const CARD_OBJECT = {
  chuid: { name: 'piv-chuid', tag: CHUID_TAG },
  ccc: { name: 'piv-ccc', tag: CCC_TAG },
  discovery: { name: 'piv-discovery', tag: DISCOVERY_TAG },
  securityObject: { name: 'piv-security-object', tag: SECURITY_OBJECT_TAG },
} as const;

export type CardObjectName = keyof typeof CARD_OBJECT;

/**
 * Writes the card's identity objects into the VSC: the CHUID (GUID = the VSC id, signed by the
 * content signer), the CCC (card id = the first 14 bytes of the GUID), Discovery, and last the
 * Security Object over the three. Values are what goes inside tag 53 (inside 7E for Discovery).
 */
export async function writeCardObjects(vsc: VirtualSmartCard, signer: CmsSigner, expires: Date): Promise<Record<CardObjectName, Buffer>> {
  const guid = Buffer.from(vsc.id.replace(/-/g, ''), 'hex');
  const chuid = await buildSignedChuid(signer, { guid: vsc.id, boundUuid: vsc.id, expires });
  const ccc = Buffer.from(encodeCcc(guid.subarray(0, 14)));
  const discovery = Buffer.from(parseTlvs(encodeDiscovery())[0].value);
  const securityObject = await buildSecurityObject(signer, [
    { containerId: PIV_CONTAINER.chuid, value: chuid },
    { containerId: PIV_CONTAINER.ccc, value: ccc },
    { containerId: PIV_CONTAINER.discovery, value: discovery },
  ]);
  const values: Record<CardObjectName, Buffer> = { chuid, ccc, discovery, securityObject };
  for (const k of Object.keys(CARD_OBJECT) as CardObjectName[]) {
    vsc.putData({ name: CARD_OBJECT[k].name, area: 'public', value: values[k], cardTag: CARD_OBJECT[k].tag });
  }
  return values;
}

/** A random numeric PUK of the profile's length (no one sees it: it stays sealed under the HSM). */
export function randomPuk(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String(randomInt(10));
  return s;
}
