/** One line of a cardholder CSV file, parsed, or the reason it cannot be imported. */
export interface CsvLine {
  line: number;
  value?: { name: string; email?: string; upn?: string; orgIds?: string[] };
  error?: string;
}

function fields(row: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (quoted) {
      if (c === '"' && row[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Parses a CSV with a header naming `name` and any of `email`, `upn`, `orgIds` (separated by `;`),
 * the columns `scm cardholder import` reads. Each line is checked the way the API checks it, so
 * the preview names every bad line before anything is sent; the API checks again.
 */
export function parseCardholderCsv(text: string): CsvLine[] {
  const rows = text.split(/\r?\n/).map((r, i) => ({ r, line: i + 1 }));
  const header = rows.shift();
  if (!header) return [];
  const cols = fields(header.r).map((h) => h.toLowerCase());
  const at = (name: string) => cols.indexOf(name.toLowerCase());
  if (at('name') < 0) return [{ line: 1, error: 'the header has no "name" column' }];
  return rows
    .filter((x) => x.r.trim())
    .map(({ r, line }) => {
      const f = fields(r);
      const get = (n: string) => (at(n) >= 0 ? f[at(n)] || undefined : undefined);
      const name = get('name');
      const email = get('email');
      const upn = get('upn');
      const org = get('orgIds');
      if (!name) return { line, error: 'no name' };
      if (name.length > 200) return { line, error: 'the name is longer than 200 characters' };
      if (email && !EMAIL.test(email)) return { line, error: `"${email}" is not an e-mail address` };
      if (upn && !EMAIL.test(upn)) return { line, error: `"${upn}" is not a user principal name (user@domain)` };
      return { line, value: { name, email, upn, orgIds: org ? org.split(';').map((s) => s.trim()) : undefined } };
    });
}
