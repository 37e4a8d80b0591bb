import type { Cardholder } from './cardholder.repository';

/** What an officer enters for a cardholder. */
export interface CardholderInput {
  name: string;
  email?: string | null;
  upn?: string | null;
  orgIds?: string[];
}

export interface CardholderView {
  id: string;
  name: string;
  email: string | null;
  upn: string | null;
  orgIds: string[];
  status: 'pending' | 'active' | 'offboarded';
  /** Whether a sponsorship (a second officer's approval) waits for the next card. */
  sponsored: boolean;
  createdAt: string;
}

/** The dual-control request a registration or sponsorship waits for (separation of duties). */
export interface PendingApproval {
  id: string;
  kind: string;
  subjectHash: string;
  expiresAt: string;
}

export const toPendingApproval = (a: { id: string; kind: string; subjectHash: Buffer; expiresAt: Date }): PendingApproval => ({
  id: a.id,
  kind: a.kind,
  subjectHash: a.subjectHash.toString('hex'),
  expiresAt: a.expiresAt.toISOString(),
});

export const toCardholderView = (c: Cardholder): CardholderView => ({
  id: c.id,
  name: c.name,
  email: c.email,
  upn: c.upn,
  orgIds: c.orgIds,
  status: c.status,
  sponsored: !!c.sponsoredBy,
  createdAt: c.createdAt.toISOString(),
});

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// A UPN's realm may be a bare name (user@CORP), as libs/ca accepts it.
const UPN = /^[^@\s]+@[^@\s]+$/;
const ORG_ID = /^[A-Za-z0-9._:/-]{1,64}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A field of a cardholder that is wrong, and why. */
export interface FieldProblem {
  field: 'name' | 'email' | 'upn' | 'orgIds';
  message: string;
}

/** A cardholder's fields once normalised and checked. */
export interface CleanCardholder {
  name: string;
  email: string | null;
  upn: string | null;
  orgIds: string[];
}

/** Normalises and checks one cardholder; returns the clean value or the problems. */
export function checkCardholder(input: CardholderInput): { value: CleanCardholder } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const name = (input.name ?? '').trim().replace(/\s+/g, ' ');
  // The name becomes the certificates' common name, which RFC 5280 caps at 64 characters.
  if (!name) problems.push({ field: 'name', message: 'a name is required' });
  else if (name.length > 64)
    problems.push({ field: 'name', message: `the name has ${name.length} characters; at most 64 fit a certificate` });
  else if (CONTROL.test(name)) problems.push({ field: 'name', message: 'the name contains control characters' });
  const email = input.email?.trim() || null;
  if (email && !EMAIL.test(email)) problems.push({ field: 'email', message: `"${email}" is not an e-mail address` });
  const upn = input.upn?.trim() || null;
  if (upn && !UPN.test(upn)) problems.push({ field: 'upn', message: `"${upn}" is not a user principal name (user@realm)` });
  if (!upn && !email) problems.push({ field: 'upn', message: 'a UPN or an e-mail address is required' });
  const orgIds = (input.orgIds ?? []).map((s) => s.trim()).filter(Boolean);
  const badOrg = orgIds.find((o) => !ORG_ID.test(o));
  if (badOrg !== undefined)
    problems.push({ field: 'orgIds', message: `"${badOrg}" is not an organisation id (letters, digits, . _ : / -; at most 64)` });
  if (orgIds.length > 10) problems.push({ field: 'orgIds', message: 'at most 10 organisation ids' });
  return problems.length ? { problems } : { value: { name, email, upn, orgIds } };
}

/** What is wrong with one entry of a list of cardholders. */
export interface ImportLineError {
  /** 0-based position in the list (the CLI maps it to its file line). */
  index: number;
  field: string;
  code: 'invalid' | 'upn-taken' | 'duplicate';
  message: string;
  /** For a duplicate: where the first occurrence is. */
  otherIndex?: number;
}

/**
 * Checks a list of cardholders on its own: every field of every entry, and UPNs unique within the
 * list (compared lower-case). `upns` maps each UPN, lower-cased, to its entry, for the check
 * against cardholders already registered (`takenUpnErrors`).
 */
export function checkCardholders(inputs: readonly CardholderInput[]): {
  values: Array<CleanCardholder | undefined>;
  errors: ImportLineError[];
  upns: Map<string, number>;
} {
  const errors: ImportLineError[] = [];
  const values: Array<CleanCardholder | undefined> = [];
  const upns = new Map<string, number>();
  inputs.forEach((input, index) => {
    const r = checkCardholder(input);
    if ('problems' in r) {
      for (const p of r.problems) errors.push({ index, field: p.field, code: 'invalid', message: p.message });
      values[index] = undefined;
      return;
    }
    const upn = r.value.upn?.toLowerCase();
    if (upn) {
      const first = upns.get(upn);
      if (first !== undefined)
        errors.push({ index, field: 'upn', code: 'duplicate', message: `UPN ${r.value.upn} appears twice`, otherIndex: first });
      else upns.set(upn, index);
    }
    values[index] = r.value;
  });
  return { values, errors, upns };
}

/** One error per UPN of the list that a registered cardholder has already. */
export function takenUpnErrors(upns: ReadonlyMap<string, number>, taken: readonly Pick<Cardholder, 'id' | 'upn'>[]): ImportLineError[] {
  return taken
    .filter((t) => t.upn !== null && upns.has(t.upn.toLowerCase()))
    .map((t) => {
      const upn = t.upn!.toLowerCase();
      return {
        index: upns.get(upn)!,
        field: 'upn',
        code: 'upn-taken' as const,
        message: `UPN ${upn} belongs to cardholder ${t.id} already`,
      };
    });
}
