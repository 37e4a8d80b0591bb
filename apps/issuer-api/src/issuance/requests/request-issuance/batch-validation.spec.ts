import type { Cardholder } from '../../cardholders/cardholder.repository';
import type { CardProfile } from '../../profiles/card-profile';
import { DEFAULT_DEFINITION } from '../../profiles/in-memory-profile.repository';
import { checkBatch, indexCardholders, splitReferences, type BatchLookup } from './batch-validation';

const holder = (id: string, upn: string | null, email: string | null = null, status: Cardholder['status'] = 'active'): Cardholder => ({
  id,
  name: id,
  upn,
  email,
  orgIds: [],
  status,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

const ID_A = '0b9a3f5e-0000-4000-8000-00000000000a';
const ID_B = '0b9a3f5e-0000-4000-8000-00000000000b';
const profile = (id: string, withPivAuth = true): CardProfile => ({
  id,
  description: id,
  isDefault: id === 'default',
  version: 1,
  definition: withPivAuth ? DEFAULT_DEFINITION : { ...DEFAULT_DEFINITION, slots: { '9d': DEFAULT_DEFINITION.slots['9d'] } },
});

describe('batch validation', () => {
  it('splits references into ids and names, lower-cased and distinct', () => {
    expect(
      splitReferences([{ cardholder: ` ${ID_A.toUpperCase()} ` }, { cardholder: 'Alice@Corp' }, { cardholder: 'alice@corp' }]),
    ).toEqual({
      ids: [ID_A],
      names: ['alice@corp'],
    });
  });

  it('indexes cardholders by id, UPN and e-mail; a UPN names its owner alone even when it is another e-mail', () => {
    const alice = holder(ID_A, 'Alice@Corp', 'alice@example.org');
    const bob = holder(ID_B, 'bob@corp', 'alice@corp');
    const idx = indexCardholders([alice, bob]);
    expect(idx.get(ID_A)).toEqual([alice]);
    expect(idx.get('alice@example.org')).toEqual([alice]);
    expect(idx.get('alice@corp')).toEqual([alice]);
    expect(idx.get('bob@corp')).toEqual([bob]);
  });

  it('leaves an e-mail address two cardholders share ambiguous', () => {
    const idx = indexCardholders([holder(ID_A, null, 'team@example.org'), holder(ID_B, null, 'team@example.org')]);
    expect(idx.get('team@example.org')?.map((h) => h.id)).toEqual([ID_A, ID_B]);
  });

  const lookup = (over: Partial<BatchLookup> = {}): BatchLookup => {
    const holders = [
      holder(ID_A, 'alice@corp'),
      holder(ID_B, null, 'bob@example.org'),
      holder('c-gone', 'gone@corp', null, 'offboarded'),
      holder('c-open', 'open@corp'),
      holder('c-t1', null, 'team@example.org'),
      holder('c-t2', null, 'team@example.org'),
    ];
    return {
      holders: indexCardholders(holders),
      profiles: new Map([
        ['', profile('default')],
        ['keys-only', profile('keys-only', false)],
        ['nope', null],
      ]),
      open: new Map([['c-open', { id: 'r-open', state: 'escrowed' }]]),
      ...over,
    };
  };

  it('accepts entries that name one active cardholder without an open request, with their profiles', () => {
    const r = checkBatch([{ cardholder: 'ALICE@corp' }, { cardholder: 'bob@example.org', profile: 'keys-only' }], undefined, lookup());
    expect('accepted' in r && r.accepted.map((a) => [a.index, a.holder.id, a.profile.id])).toEqual([
      [0, ID_A, 'default'],
      [1, ID_B, 'keys-only'],
    ]);
  });

  it('names every wrong entry by index and code, and accepts none', () => {
    const r = checkBatch(
      [
        { cardholder: 'alice@corp' },
        { cardholder: 'nobody@corp' },
        { cardholder: 'team@example.org' },
        { cardholder: ID_A },
        { cardholder: 'gone@corp' },
        { cardholder: 'open@corp' },
        { cardholder: 'bob@example.org' },
        { cardholder: 'bob@example.org', profile: 'nope' },
      ],
      undefined,
      lookup(),
    );
    expect('errors' in r && r.errors).toEqual([
      { index: 1, code: 'cardholder-not-found', message: 'no cardholder "nobody@corp"' },
      { index: 2, code: 'cardholder-ambiguous', message: '"team@example.org" matches 2 cardholders; give the id or the UPN' },
      { index: 3, code: 'duplicate', message: `cardholder ${ID_A} is requested twice`, otherIndex: 0 },
      { index: 4, code: 'cardholder-offboarded', message: 'cardholder c-gone is offboarded' },
      { index: 5, code: 'open-request', message: 'cardholder c-open already has request r-open (escrowed)' },
      {
        index: 6,
        code: 'missing-upn',
        message: `cardholder ${ID_B} has no UPN; profile "default" puts one in the PIV authentication certificate`,
      },
      { index: 7, code: 'profile-not-found', message: 'no card profile "nope"' },
    ]);
  });

  it("uses the call's profile for entries that name none", () => {
    const r = checkBatch([{ cardholder: 'bob@example.org' }], 'keys-only', lookup());
    expect('accepted' in r && r.accepted[0].profile.id).toBe('keys-only');
  });
});
