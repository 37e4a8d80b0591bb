import { onCardSlots, profileProblems, vscGeneratedSlots, type CardProfileDefinition } from './card-profile';
import { DEFAULT_DEFINITION } from './in-memory-profile.repository';

const base: CardProfileDefinition = DEFAULT_DEFINITION;

describe('card profiles', () => {
  it('accepts a well-formed profile and splits its slots by where keys are made', () => {
    expect(profileProblems(base)).toEqual([]);
    expect(vscGeneratedSlots(base).map(([s]) => s)).toEqual(['9d', '9e']);
    expect(onCardSlots(base).map(([s]) => s)).toEqual(['9a']);
  });

  it('names every problem', () => {
    const bad = {
      ...base,
      slots: {
        '9c': { algorithm: 'ed25519', template: 'piv-key-management', escrow: 'sometimes' },
        '82': { algorithm: 'p256', template: 'piv-key-management', escrow: 'escrow' },
      },
      pin: { minLength: 4, maxLength: 8, tries: 3 },
      puk: { length: 8, tries: 0 },
      managementKey: { algorithm: 'des' },
      validityDays: 0,
    };
    // (JavaScript lists integer-like keys such as "82" first.)
    expect(profileProblems(bad)).toEqual([
      'slots.82: not a profile slot (9a, 9c, 9d, 9e)',
      'slots.9c.algorithm: one of rsa2048, rsa3072, p256, p384',
      'slots.9c.escrow: one of escrow, on-card, regenerate',
      'slots.9c.template: slot 9c takes piv-digital-signature',
      'slots.9a: every card has a PIV authentication key',
      'pin: minLength and maxLength 6..8 (min ≤ max), tries 1..15',
      'puk: length 6..8, tries 1..15',
      'managementKey.algorithm: one of 3des, aes128, aes192, aes256',
      'validityDays: 1..3650',
    ]);
    expect(profileProblems(null)).toEqual(['a profile is an object']);
  });
});
