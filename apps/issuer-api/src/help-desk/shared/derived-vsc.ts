import { X509Certificate } from 'node:crypto';
import {
  buildSecurityObject,
  buildSignedChuid,
  type CertificateAuthorityPort,
  type CmsSigner,
  PIV_CONTAINER,
  type SubjectName,
} from '@scm/ca';
import { parseTlvs } from '@scm/apdu';
import { encodeCcc, encodeDiscovery, encodeKeyHistory } from '@scm/piv';
import {
  CCC_TAG,
  CHUID_TAG,
  DISCOVERY_TAG,
  GENERATED_ALGORITHMS,
  KEY_HISTORY_TAG,
  SECURITY_OBJECT_TAG,
  type VirtualSmartCard,
  type VscKind,
} from '@scm/vsc';
import { CARD_OBJECT, randomPuk } from '../../issuance/requests/generate-keys/card-content';
import type { CardProfileDefinition, ProfileSlot, SlotPolicy } from '../../issuance/profiles/card-profile';
import { profileSlots, slotByte } from '../../issuance/profiles/card-profile';

/** Retired key-management slots 82–95, newest first (SP 800-73-4). */
export const RETIRED_SLOTS: readonly number[] = Array.from({ length: 20 }, (_, i) => 0x82 + i);
export const KEY_MANAGEMENT_SLOT = 0x9d;
export const isRetiredSlot = (slot: number): boolean => slot >= 0x82 && slot <= 0x95;

/** The name the VSC gives the Key History object (the card object names of issuance, plus this one). */
export const KEY_HISTORY_OBJECT = { name: 'piv-key-history', tag: KEY_HISTORY_TAG } as const;
const IDENTITY_TAGS = new Set<number>([CHUID_TAG, CCC_TAG, DISCOVERY_TAG, SECURITY_OBJECT_TAG, KEY_HISTORY_TAG]);

/** A key-management key the source VSC holds (current 9D first, then its retired slots in order). */
export interface RecoverableKey {
  /** The slot it sits in on the source. */
  slot: number;
  /** DER certificate of that key (its old certificate: relying parties find old mail by it). */
  certificate: Buffer;
  serial: string;
}

/** The key-management keys whose private part the source holds, newest first: 9D, then 82, 83, … */
/** The serials of the certificates of the key-management keys a VSC names (public objects only: no need to open it). */
export function keyManagementSerials(src: VirtualSmartCard): string[] {
  const out: string[] = [];
  for (const slot of [KEY_MANAGEMENT_SLOT, ...RETIRED_SLOTS]) {
    const cert = src.certificate(slot);
    if (cert && src.publicKey(slot)) out.push(new X509Certificate(Buffer.from(cert)).serialNumber.toLowerCase());
  }
  return out;
}

export function recoverableKeys(src: VirtualSmartCard): RecoverableKey[] {
  const out: RecoverableKey[] = [];
  for (const slot of [KEY_MANAGEMENT_SLOT, ...RETIRED_SLOTS]) {
    const cert = src.certificate(slot);
    if (!cert || !src.publicKey(slot) || !src.hasPrivateKey(slot)) continue;
    const der = Buffer.from(cert);
    out.push({ slot, certificate: der, serial: new X509Certificate(der).serialNumber.toLowerCase() });
  }
  return out;
}

export interface Holder {
  id: string;
  name: string;
  upn: string | null;
  email: string | null;
}

export interface DerivedVscPlan {
  /**
   * temporary: fresh keys for every slot but 9D, the current 9D key recovered into 9D and the
   * earlier ones into the same retired slots (a stand-in for the card, for a few days);
   * reissue: a new 9D key, the current 9D key into 82 and earlier ones one slot further, new keys
   * for the other VSC-generated slots (escrowed ones restored instead for a damaged card, see
   * `restoreEscrowed`), on-card slots left to the card, and a PUK for the new card.
   */
  mode: 'temporary' | 'reissue';
  kind: VscKind;
  profile: CardProfileDefinition;
  holder: Holder;
  organization: string;
  expires: Date;
  /** What the certificates' reference names besides vscId and slot (a requestId, a temporaryCardId). */
  reference: Record<string, string>;
  /** Who authorises taking keys out of the source (audited by the caller). */
  authorisation: string;
  /**
   * Reissue only: put the source's escrowed keys of slots other than 9D back on the new card (with
   * new certificates for the new GUID) — for a damaged card. A lost or stolen card's keys were
   * revoked for keyCompromise and are never restored: those slots get new keys.
   */
  restoreEscrowed?: boolean;
}

export interface DerivedVscResult {
  /** Certificate serials issued for the new (and restored) keys, by slot. */
  issued: Record<string, string>;
  /** Slots whose escrowed key was restored onto the new card (reissue of a damaged card). */
  restored: string[];
  /** Recovered key-management keys: where they were and where they are now. */
  recovered: Array<{ from: string; to: string; serial: string }>;
  /** Slots left for the card to generate (reissue of on-card slots). */
  onCard: string[];
  expires: Date;
}

const hex = (slot: number): string => slot.toString(16).padStart(2, '0');

/**
 * Fills a new VSC (created open, not yet sealed) from an escrowed source opened through the
 * recovery path: keys per the plan, certificates from the issuing CA (the caller binds the CA's
 * store to its transaction), the source's other data objects, and identity objects made for the
 * new VSC's own GUID (a CHUID is never copied: design.md, "Identity"). The caller seals and stores.
 */
export async function fillDerivedVsc(
  vsc: VirtualSmartCard,
  src: VirtualSmartCard,
  plan: DerivedVscPlan,
  deps: { ca: CertificateAuthorityPort; signer: CmsSigner },
): Promise<DerivedVscResult> {
  const recoverable = recoverableKeys(src);
  const recovered: DerivedVscResult['recovered'] = [];
  const take = (slot: number) => src.exportPrivateKeyForIssuance(slot, { requestId: plan.authorisation });

  // 1. Recovered key-management keys (decryption only: their old certificates go with them).
  const targets = plan.mode === 'temporary' ? recoverable.map((k) => k.slot) : recoverable.map((_k, i) => RETIRED_SLOTS[i]);
  for (const [i, k] of recoverable.entries()) {
    const to = targets[i];
    if (to === undefined) break; // more than 20 earlier keys: the oldest stay in escrow only
    vsc.importKey(to, take(k.slot), { escrow: 'escrow' });
    vsc.putCertificate(k.certificate, { slot: to });
    recovered.push({ from: hex(k.slot), to: hex(to), serial: k.serial });
  }

  // 2. Restored escrowed keys (reissue of a damaged card), then new keys for the profile's other slots.
  const restore: Array<[ProfileSlot, SlotPolicy]> =
    plan.mode === 'reissue' && plan.restoreEscrowed
      ? profileSlots(plan.profile).filter(
          ([slot, s]) => slot !== '9d' && s.escrow === 'escrow' && !!src.publicKey(slotByte(slot)) && src.hasPrivateKey(slotByte(slot)),
        )
      : [];
  const toGenerate: Array<[ProfileSlot, SlotPolicy]> = profileSlots(plan.profile).filter(([slot, s]) => {
    if (plan.mode === 'temporary') return !(slot === '9d' && recovered.some((r) => r.to === '9d'));
    return s.escrow !== 'on-card' && !restore.some(([r]) => r === slot);
  });
  const onCard = plan.mode === 'reissue' ? profileSlots(plan.profile).filter(([, s]) => s.escrow === 'on-card') : [];
  const restoredKeys = restore.map(([slot]) => vsc.importKey(slotByte(slot), take(slotByte(slot)), { escrow: 'escrow' }));
  const generated = await Promise.all(
    toGenerate.map(([slot, s]) =>
      vsc.generateKey(slotByte(slot), GENERATED_ALGORITHMS[s.algorithm], {
        // A temporary card's fresh keys live and die with it; nothing of them is restored later.
        escrow: plan.mode === 'temporary' ? (slot === '9d' ? 'escrow' : 'regenerate') : s.escrow,
      }),
    ),
  );
  const certified = [...restore, ...toGenerate];
  const keys = [...restoredKeys, ...generated];
  const subject: SubjectName = { commonName: plan.holder.name, organization: plan.organization };
  const certs = await Promise.all(
    certified.map(([slot, s], i) =>
      deps.ca.issue({
        template: s.template,
        publicKey: keys[i].spki,
        subject: slot === '9e' ? undefined : subject,
        identity: { cardUuid: vsc.id, upn: plan.holder.upn ?? undefined, email: plan.holder.email ?? undefined },
        validity: { notAfter: plan.expires },
        reference: { ...plan.reference, vscId: vsc.id, slot },
      }),
    ),
  );
  const issued: Record<string, string> = {};
  for (const [i, [slot]] of certified.entries()) {
    vsc.putCertificate(certs[i].der, { slot: slotByte(slot) });
    issued[slot] = certs[i].serial;
  }
  if (plan.mode === 'reissue') vsc.setCardPuk(randomPuk(plan.profile.puk.length));

  // 3. The cardholder's other data objects, as they were.
  for (const o of src.listObjects()) {
    if (o.kind !== 'data' || (o.cardTag !== undefined && IDENTITY_TAGS.has(o.cardTag))) continue;
    vsc.putData({ name: o.name, area: o.area, value: o.value, mediaType: o.mediaType, cardTag: o.cardTag });
  }

  // 4. Identity objects for this VSC's GUID, the Security Object last.
  const retiredOnVsc = recovered.filter((r) => isRetiredSlot(parseInt(r.to, 16))).length;
  await writeIdentityObjects(vsc, deps.signer, plan.expires, retiredOnVsc);
  return { issued, restored: restore.map(([s]) => s), recovered, onCard: onCard.map(([s]) => s), expires: plan.expires };
}

/**
 * CHUID (GUID = the VSC id), CCC, Discovery, Key History when retired slots hold keys, and the
 * Security Object over them, under the card tags issuance uses.
 */
export async function writeIdentityObjects(vsc: VirtualSmartCard, signer: CmsSigner, expires: Date, retired: number): Promise<void> {
  const guid = Buffer.from(vsc.id.replace(/-/g, ''), 'hex');
  const chuid = await buildSignedChuid(signer, { guid: vsc.id, boundUuid: vsc.id, expires });
  const ccc = Buffer.from(encodeCcc(guid.subarray(0, 14)));
  const discovery = Buffer.from(parseTlvs(encodeDiscovery())[0].value);
  const covered: Array<{ containerId: number; value: Buffer }> = [
    { containerId: PIV_CONTAINER.chuid, value: chuid },
    { containerId: PIV_CONTAINER.ccc, value: ccc },
    { containerId: PIV_CONTAINER.discovery, value: discovery },
  ];
  const put = (o: { name: string; tag: number }, value: Buffer) => vsc.putData({ name: o.name, area: 'public', value, cardTag: o.tag });
  put(CARD_OBJECT.chuid, chuid);
  put(CARD_OBJECT.ccc, ccc);
  put(CARD_OBJECT.discovery, discovery);
  if (retired > 0) {
    const kh = Buffer.from(encodeKeyHistory({ onCard: retired, offCard: 0 }));
    put(KEY_HISTORY_OBJECT, kh);
    covered.push({ containerId: PIV_CONTAINER.keyHistory, value: kh });
  }
  put(CARD_OBJECT.securityObject, await buildSecurityObject(signer, covered));
}
