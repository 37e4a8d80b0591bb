import { TEMPLATES, type CertificateTemplateName } from '@scm/ca';
import {
  CARD_CAPABILITIES,
  type CardCapabilityName,
  type CardProfileJson,
  MANAGEMENT_KEY_ALGORITHMS,
  type ManagementKeyAlgorithmName,
  type SlotPolicy,
} from '@scm/db';
import { GENERATED_ALGORITHMS, type EscrowPolicy } from '@scm/vsc';
import { ProfileError, ProfileErrorCode } from './profile-errors';

/** The key slots a profile may define (retired slots 82–95 are filled on reissue, not by a profile). */
export const PROFILE_SLOTS = ['9a', '9c', '9d', '9e'] as const;
export type ProfileSlot = (typeof PROFILE_SLOTS)[number];

export const ESCROW_POLICY_NAMES: readonly EscrowPolicy[] = ['escrow', 'on-card', 'regenerate'];
export { CARD_CAPABILITIES, type CardCapabilityName, MANAGEMENT_KEY_ALGORITHMS, type ManagementKeyAlgorithmName, type SlotPolicy };

/** The template each slot must use (SP 800-73-4 slot meaning; docs/card-profile.md section 2). */
const SLOT_TEMPLATE: Record<ProfileSlot, CertificateTemplateName> = {
  '9a': 'piv-authentication',
  '9c': 'piv-digital-signature',
  '9d': 'piv-key-management',
  '9e': 'piv-card-authentication',
};

/** A card profile: what goes on a card issued with it. Stored as JSON in card_profile.definition. */
export type CardProfileDefinition = CardProfileJson;

export interface CardProfile {
  id: string;
  description: string;
  isDefault: boolean;
  /** Every approved change makes a new version; a request keeps the version it was made with. */
  version: number;
  definition: CardProfileDefinition;
}

/** A profile's id: what issuance and `bin/scm issue --profile` name it by. */
export const PROFILE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

const DEFINITION_KEYS = ['slots', 'pin', 'puk', 'managementKey', 'validityDays', 'cardCapabilities'];
const SLOT_KEYS = ['algorithm', 'template', 'escrow'];

/**
 * The card capabilities a profile needs from its slots: a key generated on the VSC (escrow or
 * regenerate) reaches the card by the vendor IMPORT ASYMMETRIC KEY, which many PIV cards lack.
 */
export function derivedCapabilities(def: Pick<CardProfileDefinition, 'slots'>): CardCapabilityName[] {
  const slots = Object.values(def.slots ?? {});
  return slots.some((s) => s && s.escrow !== 'on-card') ? ['import-key'] : [];
}

/** What a card must be able to do to carry the profile: what it declares and what its slots need. */
export const requiredCapabilities = (def: CardProfileDefinition): CardCapabilityName[] =>
  [...new Set([...(def.cardCapabilities ?? []), ...derivedCapabilities(def)])].sort();

/**
 * Problems of a definition an officer proposes: everything `profileProblems` checks, plus no field
 * SCM does not know (a typo must not be silently dropped), and the card capabilities declared.
 */
export function proposalProblems(def: unknown): string[] {
  const p = profileProblems(def);
  if (!def || typeof def !== 'object') return p;
  const d = def as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!DEFINITION_KEYS.includes(k)) p.push(`${k}: not a profile field (${DEFINITION_KEYS.join(', ')})`);
  const slots = d.slots && typeof d.slots === 'object' ? (d.slots as Record<string, unknown>) : {};
  for (const [slot, s] of Object.entries(slots))
    if (s && typeof s === 'object')
      for (const k of Object.keys(s)) if (!SLOT_KEYS.includes(k)) p.push(`slots.${slot}.${k}: not a slot field (${SLOT_KEYS.join(', ')})`);
  if (d.cardCapabilities === undefined)
    p.push(`cardCapabilities: say what cards the profile needs (${CARD_CAPABILITIES.join(', ')}; [] for none)`);
  return p;
}

/** What is wrong with a profile definition (empty when it is valid). */
export function profileProblems(def: unknown): string[] {
  const p: string[] = [];
  const d = def as Partial<CardProfileDefinition> | null;
  if (!d || typeof d !== 'object') return ['a profile is an object'];
  const slots = d.slots && typeof d.slots === 'object' ? (d.slots as Record<string, Partial<SlotPolicy>>) : undefined;
  if (!slots) p.push('slots: an object of slot → policy');
  else {
    for (const [slot, s] of Object.entries(slots)) {
      if (!(PROFILE_SLOTS as readonly string[]).includes(slot)) {
        p.push(`slots.${slot}: not a profile slot (${PROFILE_SLOTS.join(', ')})`);
        continue;
      }
      if (!s || typeof s !== 'object') {
        p.push(`slots.${slot}: a policy object`);
        continue;
      }
      if (!s.algorithm || !(s.algorithm in GENERATED_ALGORITHMS))
        p.push(`slots.${slot}.algorithm: one of ${Object.keys(GENERATED_ALGORITHMS).join(', ')}`);
      if (!s.escrow || !ESCROW_POLICY_NAMES.includes(s.escrow)) p.push(`slots.${slot}.escrow: one of ${ESCROW_POLICY_NAMES.join(', ')}`);
      if (!s.template || !(s.template in TEMPLATES)) p.push(`slots.${slot}.template: unknown certificate template`);
      else if (s.template !== SLOT_TEMPLATE[slot as ProfileSlot])
        p.push(`slots.${slot}.template: slot ${slot} takes ${SLOT_TEMPLATE[slot as ProfileSlot]}`);
    }
    if (!slots['9a']) p.push('slots.9a: every card has a PIV authentication key');
  }
  const int = (v: unknown, lo: number, hi: number): boolean => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  if (
    !d.pin ||
    !int(d.pin.minLength, 6, 8) ||
    !int(d.pin.maxLength, 6, 8) ||
    d.pin.minLength > d.pin.maxLength ||
    !int(d.pin.tries, 1, 15)
  ) {
    p.push('pin: minLength and maxLength 6..8 (min ≤ max), tries 1..15');
  }
  if (!d.puk || !int(d.puk.length, 6, 8) || !int(d.puk.tries, 1, 15)) p.push('puk: length 6..8, tries 1..15');
  if (!d.managementKey || !MANAGEMENT_KEY_ALGORITHMS.includes(d.managementKey.algorithm)) {
    p.push(`managementKey.algorithm: one of ${MANAGEMENT_KEY_ALGORITHMS.join(', ')}`);
  }
  if (!int(d.validityDays, 1, 3650)) p.push('validityDays: 1..3650');
  if (d.cardCapabilities !== undefined) {
    const caps = d.cardCapabilities as unknown;
    if (!Array.isArray(caps) || caps.some((c) => !(CARD_CAPABILITIES as readonly unknown[]).includes(c)))
      p.push(`cardCapabilities: a list of ${CARD_CAPABILITIES.join(', ')}`);
    else if (new Set(caps).size !== caps.length) p.push('cardCapabilities: each capability once');
    else if (slots) {
      const needing = Object.entries(slots)
        .filter(([, s]) => s && typeof s === 'object' && (s.escrow === 'escrow' || s.escrow === 'regenerate'))
        .map(([slot, s]) => `${slot} (${s.escrow})`);
      if (needing.length && !caps.includes('import-key'))
        p.push(
          `cardCapabilities: slots ${needing.join(', ')} are generated off the card and imported into it, so the profile needs import-key`,
        );
    }
  }
  return p;
}

/**
 * A stored profile as the API serves and uses it. It is checked on every read: a hand-edited row
 * must not issue odd cards.
 */
export function checkedProfile(row: {
  id: string;
  description: string;
  isDefault: boolean;
  version?: number;
  definition: CardProfileDefinition;
}): CardProfile {
  const problems = profileProblems(row.definition);
  if (problems.length)
    throw new ProfileError(ProfileErrorCode.Invalid, `profile ${row.id} is invalid: ${problems.join('; ')}`, { profile: row.id });
  return { id: row.id, description: row.description, isDefault: row.isDefault, version: row.version ?? 1, definition: row.definition };
}

/** The slots of a profile in slot order, with their policies. */
export function profileSlots(def: CardProfileDefinition): Array<[ProfileSlot, SlotPolicy]> {
  return PROFILE_SLOTS.filter((s) => def.slots[s]).map((s) => [s, def.slots[s]!]);
}

/** Slots whose keys are generated on the VSC at issuance (escrow and regenerate). */
export const vscGeneratedSlots = (def: CardProfileDefinition): Array<[ProfileSlot, SlotPolicy]> =>
  profileSlots(def).filter(([, s]) => s.escrow !== 'on-card');

/** Slots the card generates itself; only their certificates are issued by SCM. */
export const onCardSlots = (def: CardProfileDefinition): Array<[ProfileSlot, SlotPolicy]> =>
  profileSlots(def).filter(([, s]) => s.escrow === 'on-card');

/** PIV slot byte of a profile slot name. */
export const slotByte = (slot: ProfileSlot): number => parseInt(slot, 16);
