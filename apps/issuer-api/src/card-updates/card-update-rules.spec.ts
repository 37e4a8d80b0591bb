import { expiryDecision, isUpdatable, nextRetiredSlot, objectProblem, pukProofProblem, updateProblem } from './card-update-rules';

describe('card update rules', () => {
  it('takes issued and active cards only', () => {
    expect(['issued', 'active', 'suspended', 'lost', 'expired', 'personalising'].filter(isUpdatable)).toEqual(['issued', 'active']);
  });

  it('moves a key-management key to the lowest free retired slot, none when all 20 are used', () => {
    expect(nextRetiredSlot([])).toBe(0x82);
    expect(nextRetiredSlot([0x82, 0x84])).toBe(0x83);
    expect(nextRetiredSlot(Array.from({ length: 20 }, (_, i) => 0x82 + i))).toBeUndefined();
  });

  it('lets officers put only objects SCM does not derive from the VSC', () => {
    expect(objectProblem(0x5fc109, Buffer.from('x'))).toBeUndefined();
    expect(objectProblem(0x5fff10, Buffer.from('x'))).toBeUndefined();
    expect(objectProblem(0x5fff20, Buffer.from('x'))).toMatch(/not one an officer may put/);
    expect(objectProblem(0x5fc102, Buffer.from('x'))).toMatch(/not one an officer may put/);
    expect(objectProblem(0x5fc105, Buffer.from('x'))).toMatch(/not one an officer may put/);
    expect(objectProblem(0x5fff01, Buffer.from('x'))).toMatch(/not one an officer may put/);
    expect(objectProblem(0x5fc109, Buffer.alloc(0))).toBe('the object is empty');
    expect(objectProblem(0x5fc109, Buffer.alloc(4000))).toMatch(/at most 3052/);
  });

  it('checks what each kind needs', () => {
    expect(updateProblem('renew', {})).toBeUndefined();
    expect(updateProblem('renew', { slot: '9a' })).toMatch(/no slot/);
    expect(updateProblem('rekey', { slot: '9d' })).toBeUndefined();
    expect(updateProblem('rekey', { slot: '82' })).toMatch(/names a slot/);
    expect(updateProblem('put-object', { tag: 0x5fc109 })).toMatch(/needs an object tag and a value/);
  });

  it('expires a card past its end, queues a renewal as its profile says, never twice', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const soon = new Date('2030-01-10T00:00:00Z');
    expect(expiryDecision({ notAfter: now, renewal: 'approval', openUpdate: null }, now)).toEqual({ kind: 'expire' });
    expect(expiryDecision({ notAfter: soon, renewal: 'approval', openUpdate: null }, now)).toEqual({
      kind: 'renew',
      state: 'awaiting-approval',
    });
    expect(expiryDecision({ notAfter: soon, renewal: 'automatic', openUpdate: null }, now)).toEqual({ kind: 'renew', state: 'pending' });
    expect(expiryDecision({ notAfter: soon, renewal: 'automatic', openUpdate: 'u1' }, now).kind).toBe('none');
  });

  it('a PUK rotation takes nothing else; the card proves it by the change, no default PUK and every try left', () => {
    expect(updateProblem('rotate-puk', {})).toBeUndefined();
    expect(updateProblem('rotate-puk', { slot: '9a' })).toMatch(/takes no slot/);
    expect(pukProofProblem(undefined)).toMatch(/did not report/);
    expect(pukProofProblem({ changed: false })).toMatch(/did not report/);
    expect(pukProofProblem({ changed: true })).toBeUndefined();
    expect(pukProofProblem({ changed: true, isDefault: false, retriesLeft: 3, retriesTotal: 3 })).toBeUndefined();
    expect(pukProofProblem({ changed: true, isDefault: true, retriesLeft: 3, retriesTotal: 3 })).toMatch(/default PUK/);
    expect(pukProofProblem({ changed: true, isDefault: false, retriesLeft: 2, retriesTotal: 3 })).toMatch(/2 of 3/);
  });
});
