import { CsvError, parseCsv, parseCsvTable } from './csv';

describe('CSV', () => {
  it('parses quoted fields, escaped quotes, CRLF and fields spanning lines, with their lines', () => {
    const r = parseCsv('a,b,c\r\n"x, y","say ""hi""",\n\n"multi\nline",2,3\n');
    expect(r).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', ''] },
      { line: 4, fields: ['multi\nline', '2', '3'] },
    ]);
  });

  it('skips a BOM and blank lines, keeps a last line without newline', () => {
    expect(parseCsv('\ufeffname\n\nAlice')).toEqual([
      { line: 1, fields: ['name'] },
      { line: 3, fields: ['Alice'] },
    ]);
  });

  it('names the line of malformed quoting', () => {
    expect(() => parseCsv('a\n"open')).toThrow(new CsvError(2, 'a quoted field is not closed'));
    expect(() => parseCsv('a\nb"c"')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('"a"b')).toThrow(/line 1: text after a closing quote/);
  });

  it('maps rows by header and refuses unknown columns and long rows', () => {
    const t = parseCsvTable('Name,UPN\nAlice, alice@x \n', { required: ['name'], optional: ['upn'] });
    expect(t).toEqual([{ line: 2, row: { name: 'Alice', upn: 'alice@x' } }]);
    expect(() => parseCsvTable('name,shoe\n', { required: ['name'], optional: [] })).toThrow(/line 1: unknown column "shoe"/);
    expect(() => parseCsvTable('upn\n', { required: ['name'], optional: ['upn'] })).toThrow(/no "name" column/);
    expect(() => parseCsvTable('name\nA,B\n', { required: ['name'], optional: [] })).toThrow(/line 2: 2 fields, the header has 1/);
    expect(() => parseCsvTable('', { required: ['name'], optional: [] })).toThrow(/empty/);
  });
});
