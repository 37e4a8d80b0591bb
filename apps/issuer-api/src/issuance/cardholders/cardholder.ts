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
  status: 'active' | 'offboarded';
  createdAt: string;
}

export type CardholderRow = {
  id: string;
  name: string;
  email: string | null;
  upn: string | null;
  org_ids: string[];
  status: CardholderView['status'];
  created_at: Date;
};

export const toCardholderView = (r: CardholderRow): CardholderView => ({
  id: r.id,
  name: r.name,
  email: r.email,
  upn: r.upn,
  orgIds: r.org_ids,
  status: r.status,
  createdAt: r.created_at.toISOString(),
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

/** Normalises and checks one cardholder; returns the clean value or the problems. */
export function checkCardholder(
  input: CardholderInput,
): { value: Required<CardholderInput> & { email: string | null; upn: string | null } } | { problems: FieldProblem[] } {
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
