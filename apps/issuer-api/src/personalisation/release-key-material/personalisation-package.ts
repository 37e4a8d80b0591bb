import { X509Certificate } from 'node:crypto';
import type { PersonalisationPackage } from '@scm/personalisation';
import { GENERATED_ALGORITHMS, KEY_HISTORY_TAG, type VirtualSmartCard } from '@scm/vsc';
import { onCardSlots, slotByte, type CardProfileDefinition } from '../../issuance/profiles/card-profile';
import { CARD_OBJECT } from '../../issuance/requests/generate-keys/card-content';

/** A slot whose private key goes to the card, with what the package says of it. */
export type ImportSlot = [slot: string, policy: { algorithm: string; escrow: string }];

/** The card objects of an issued VSC, base64 (and the Key History of a reissued one). */
export function objectsOf(vsc: VirtualSmartCard): PersonalisationPackage['objects'] {
  const get = (k: keyof typeof CARD_OBJECT): string => {
    const o = vsc.getObject(CARD_OBJECT[k].name);
    if (o?.kind !== 'data') throw new Error(`VSC ${vsc.id} has no ${CARD_OBJECT[k].name}`);
    return Buffer.from(o.value).toString('base64');
  };
  const kh = vsc.listObjects().find((o) => o.kind === 'data' && o.cardTag === KEY_HISTORY_TAG);
  return {
    chuid: get('chuid'),
    ccc: get('ccc'),
    discovery: get('discovery'),
    securityObject: get('securityObject'),
    ...(kh?.kind === 'data' ? { keyHistory: Buffer.from(kh.value).toString('base64') } : {}),
  };
}

/**
 * Recovered key-management keys in retired slots 82–95 (a reissue): escrowed, with their private
 * key and old certificate in the VSC; imported into the same slots of the card.
 */
export function retiredSlotsOf(vsc: VirtualSmartCard): ImportSlot[] {
  const names = Object.fromEntries(Object.entries(GENERATED_ALGORITHMS).map(([n, id]) => [id, n])) as Record<number, string>;
  const out: ImportSlot[] = [];
  for (let slot = 0x82; slot <= 0x95; slot++) {
    const k = vsc.publicKey(slot);
    if (!k || k.escrow !== 'escrow' || !vsc.certificate(slot) || !vsc.hasPrivateKey(slot) || !names[k.algorithm]) continue;
    out.push([slot.toString(16), { algorithm: names[k.algorithm], escrow: k.escrow }]);
  }
  return out;
}

/** The import slots with their certificates (DER, base64) and serials. */
export function importSlotsOf(vsc: VirtualSmartCard, imports: readonly ImportSlot[]): PersonalisationPackage['importSlots'] {
  return imports.map(([slot, s]) => {
    const der = vsc.certificate(parseInt(slot, 16));
    if (!der) throw new Error(`VSC ${vsc.id} has no certificate in slot ${slot}`);
    return {
      slot,
      algorithm: s.algorithm,
      escrow: s.escrow,
      certificate: Buffer.from(der).toString('base64'),
      serial: new X509Certificate(Buffer.from(der)).serialNumber.toLowerCase(),
    };
  });
}

/** The slots the card generates, with the certificate each has so far (null: none yet). */
export function onCardSlotsOf(vsc: VirtualSmartCard, profile: CardProfileDefinition): PersonalisationPackage['onCardSlots'] {
  return onCardSlots(profile).map(([slot, s]) => {
    const der = vsc.certificate(slotByte(slot));
    return { slot, algorithm: s.algorithm, certificate: der ? Buffer.from(der).toString('base64') : null };
  });
}
