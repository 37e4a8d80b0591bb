import type { Cardholder } from '../../cardholders/cardholder.repository';
import type { CardProfile } from '../../profiles/card-profile';
import type { IssuanceRequest } from '../request.repository';
import type { BatchLineError, IssuanceItem } from './request-issuance.command';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The key a cardholder reference (id, UPN or e-mail address) is looked up by. */
export const referenceKey = (reference: string): string => reference.trim().toLowerCase();

/** The distinct references of a call, as ids and as names (UPNs or e-mail addresses), lower-cased. */
export function splitReferences(items: readonly IssuanceItem[]): { ids: string[]; names: string[] } {
  const refs = [...new Set(items.map((i) => referenceKey(i.cardholder)))];
  return { ids: refs.filter((r) => UUID.test(r)), names: refs.filter((r) => !UUID.test(r)) };
}

/**
 * Cardholders by every key that names them (id, UPN, e-mail address; lower-cased). A key that
 * is one cardholder's UPN names that cardholder only, even when it is others' e-mail address.
 */
export function indexCardholders(holders: readonly Cardholder[]): Map<string, Cardholder[]> {
  const out = new Map<string, Cardholder[]>();
  const add = (k: string | null | undefined, h: Cardholder) => {
    if (!k) return;
    const list = out.get(k) ?? [];
    if (!list.some((x) => x.id === h.id)) list.push(h);
    out.set(k, list);
  };
  for (const h of holders) {
    add(h.id.toLowerCase(), h);
    add(h.upn?.toLowerCase(), h);
    if (!h.upn || h.upn.toLowerCase() !== h.email?.toLowerCase()) add(h.email?.toLowerCase(), h);
  }
  for (const [k, list] of out) {
    const byUpn = list.filter((h) => h.upn?.toLowerCase() === k);
    if (byUpn.length === 1 && list.length > 1) out.set(k, byUpn);
  }
  return out;
}

/** What the entries of a call are checked against. */
export interface BatchLookup {
  /** Cardholders by reference key (indexCardholders). */
  holders: ReadonlyMap<string, readonly Cardholder[]>;
  /** Profiles by the id an entry names, '' for the default profile; null when there is no such (valid) profile. */
  profiles: ReadonlyMap<string, CardProfile | null>;
  /** The open request of each cardholder that has one. */
  open: ReadonlyMap<string, Pick<IssuanceRequest, 'id' | 'state'>>;
}

/** An entry that passed: who gets a card, with which profile. */
export interface AcceptedEntry {
  index: number;
  holder: Cardholder;
  profile: CardProfile;
}

/** The profile id an entry asks for: its own, else the call's; undefined means the default profile. */
export const entryProfile = (item: IssuanceItem, callProfile: string | undefined): string | undefined => item.profile ?? callProfile;

/**
 * Checks every entry of a call: the profile exists, the reference names exactly one cardholder, who
 * is named once in the call, is active, has no open request and has a UPN when the profile puts
 * one in a PIV authentication certificate. All entries pass, or every wrong one is named.
 */
export function checkBatch(
  items: readonly IssuanceItem[],
  callProfile: string | undefined,
  lookup: BatchLookup,
): { accepted: AcceptedEntry[] } | { errors: BatchLineError[] } {
  const errors: BatchLineError[] = [];
  const accepted: AcceptedEntry[] = [];
  const seen = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    const profileId = entryProfile(item, callProfile);
    const profile = lookup.profiles.get(profileId ?? '') ?? null;
    const found = lookup.holders.get(referenceKey(item.cardholder)) ?? [];
    const err = (code: BatchLineError['code'], message: string, extra: Partial<BatchLineError> = {}) =>
      errors.push({ index, code, message, ...extra });
    if (!profile) err('profile-not-found', `no card profile "${profileId}"`);
    if (found.length === 0) err('cardholder-not-found', `no cardholder "${item.cardholder}"`);
    else if (found.length > 1)
      err('cardholder-ambiguous', `"${item.cardholder}" matches ${found.length} cardholders; give the id or the UPN`);
    if (!profile || found.length !== 1) continue;
    const h = found[0];
    const first = seen.get(h.id);
    if (first !== undefined) {
      err('duplicate', `cardholder ${h.id} is requested twice`, { otherIndex: first });
      continue;
    }
    seen.set(h.id, index);
    const open = lookup.open.get(h.id);
    if (h.status === 'pending')
      err('cardholder-pending', `cardholder ${h.id} is pending: a second officer approves the registration first (bin/scm approvals)`);
    else if (h.status !== 'active') err('cardholder-offboarded', `cardholder ${h.id} is ${h.status}`);
    else if (open) err('open-request', `cardholder ${h.id} already has request ${open.id} (${open.state})`);
    else if (profile.definition.slots['9a'] && !h.upn) {
      err('missing-upn', `cardholder ${h.id} has no UPN; profile "${profile.id}" puts one in the PIV authentication certificate`);
    } else accepted.push({ index, holder: h, profile });
  }
  return errors.length ? { errors } : { accepted };
}
