import { parseCardholderCsv } from './csv';

describe('parseCardholderCsv', () => {
  it('reads the columns by their header, quoted fields and organisation ids', () => {
    const lines = parseCardholderCsv('email,name,upn,orgIds\nalice@example.org,"Martin, Alice",amartin@corp.example,E100;Sales\n\n');
    expect(lines).toEqual([
      { line: 2, value: { name: 'Martin, Alice', email: 'alice@example.org', upn: 'amartin@corp.example', orgIds: ['E100', 'Sales'] } },
    ]);
  });

  it('names every bad line with its number and reason, and keeps the good ones', () => {
    const lines = parseCardholderCsv('name,email,upn\nBob,bob@example.org,\n,x@example.org,\nCarol,not-an-address,\nDan,,dan\n');
    expect(lines.map((l) => [l.line, l.error ?? 'ok'])).toEqual([
      [2, 'ok'],
      [3, 'no name'],
      [4, '"not-an-address" is not an e-mail address'],
      [5, '"dan" is not a user principal name (user@domain)'],
    ]);
  });

  it('refuses a file whose header has no name column', () => {
    expect(parseCardholderCsv('email\nx@example.org\n')).toEqual([{ line: 1, error: 'the header has no "name" column' }]);
  });
});
