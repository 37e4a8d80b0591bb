import { checkCardholder, checkCardholders, takenUpnErrors } from './cardholder';

describe('cardholder checks', () => {
  it('normalises a cardholder: spaces in the name, empty fields, organisation ids', () => {
    expect(checkCardholder({ name: '  Alice   Martin ', email: ' ', upn: 'amartin@CORP', orgIds: [' EMP-1 ', ''] })).toEqual({
      value: { name: 'Alice Martin', email: null, upn: 'amartin@CORP', orgIds: ['EMP-1'] },
    });
  });

  it('names every problem of a cardholder', () => {
    expect(checkCardholder({ name: 'x'.repeat(65), email: 'nope', orgIds: ['a b'] })).toEqual({
      problems: [
        { field: 'name', message: 'the name has 65 characters; at most 64 fit a certificate' },
        { field: 'email', message: '"nope" is not an e-mail address' },
        { field: 'orgIds', message: '"a b" is not an organisation id (letters, digits, . _ : / -; at most 64)' },
      ],
    });
    expect(checkCardholder({ name: 'Bob' })).toEqual({ problems: [{ field: 'upn', message: 'a UPN or an e-mail address is required' }] });
  });

  it('checks a list: every bad field by index, and a UPN given twice (any case) pointing at its first occurrence', () => {
    const r = checkCardholders([
      { name: 'A', upn: 'a@corp' },
      { name: '', upn: 'b@corp' },
      { name: 'C', upn: 'A@CORP' },
    ]);
    expect(r.errors).toEqual([
      { index: 1, field: 'name', code: 'invalid', message: 'a name is required' },
      { index: 2, field: 'upn', code: 'duplicate', message: 'UPN A@CORP appears twice', otherIndex: 0 },
    ]);
    expect([...r.upns]).toEqual([['a@corp', 0]]);
    expect(r.values.map((v) => v?.name)).toEqual(['A', undefined, 'C']);
  });

  it('names the entry whose UPN a registered cardholder has', () => {
    const upns = new Map([
      ['a@corp', 0],
      ['b@corp', 3],
    ]);
    expect(takenUpnErrors(upns, [{ id: 'c1', upn: 'B@Corp' }])).toEqual([
      { index: 3, field: 'upn', code: 'upn-taken', message: 'UPN b@corp belongs to cardholder c1 already' },
    ]);
  });
});
