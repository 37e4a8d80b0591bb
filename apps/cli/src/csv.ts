/** One record of a CSV file: its fields and the file line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * Parses CSV (RFC 4180): comma-separated, fields optionally in double quotes ("" inside quotes is
 * a quote, quoted fields may span lines), CRLF or LF. Blank lines and a UTF-8 BOM are skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let wasQuoted = false;
    for (;;) {
      if (i >= s.length) {
        if (quoted) throw new CsvError(start, 'a quoted field is not closed');
        fields.push(field);
        break;
      }
      const c = s[i];
      if (quoted) {
        if (c === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
            if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') throw new CsvError(line, 'text after a closing quote');
          }
        } else {
          if (c === '\n') line++;
          field += c;
          i++;
        }
        continue;
      }
      if (c === '"') {
        if (field.length > 0 || wasQuoted) throw new CsvError(line, 'a quote inside an unquoted field');
        quoted = true;
        wasQuoted = true;
        i++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        wasQuoted = false;
        i++;
      } else if (c === '\r' || c === '\n') {
        fields.push(field);
        i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      } else {
        field += c;
        i++;
      }
    }
    if (!(fields.length === 1 && fields[0].trim() === '' && !wasQuoted)) out.push({ line: start, fields });
  }
  return out;
}

/**
 * A CSV file with a header row, as objects keyed by lower-case column name. Unknown columns and
 * rows with more fields than the header are errors naming their line.
 */
export function parseCsvTable(
  text: string,
  columns: { required: string[]; optional: string[] },
): Array<{ line: number; row: Record<string, string> }> {
  const records = parseCsv(text);
  if (records.length === 0) throw new CsvError(1, 'the file is empty (a header row is required)');
  const [head, ...rest] = records;
  const names = head.fields.map((f) => f.trim().toLowerCase());
  const known = [...columns.required, ...columns.optional];
  for (const n of names) if (!known.includes(n)) throw new CsvError(head.line, `unknown column "${n}" (columns: ${known.join(', ')})`);
  for (const r of columns.required) if (!names.includes(r)) throw new CsvError(head.line, `the header has no "${r}" column`);
  if (new Set(names).size !== names.length) throw new CsvError(head.line, 'a column appears twice in the header');
  return rest.map((rec) => {
    if (rec.fields.length > names.length) throw new CsvError(rec.line, `${rec.fields.length} fields, the header has ${names.length}`);
    return { line: rec.line, row: Object.fromEntries(names.map((n, i) => [n, (rec.fields[i] ?? '').trim()])) };
  });
}
