import { passwordProblem } from './pkcs12-password';

describe('PKCS#12 password rule', () => {
  it('takes 12 to 128 printable ASCII characters', () => {
    expect(passwordProblem('a recovery passphrase')).toBeUndefined();
    expect(passwordProblem('x'.repeat(12))).toBeUndefined();
    expect(passwordProblem('x'.repeat(128))).toBeUndefined();
  });

  it('refuses shorter or longer ones, and anything but printable ASCII', () => {
    expect(passwordProblem('x'.repeat(11))).toBe('the password has 12 to 128 characters');
    expect(passwordProblem('x'.repeat(129))).toBe('the password has 12 to 128 characters');
    expect(passwordProblem('pässwörd-long-enough')).toBe('the password is printable ASCII characters');
    expect(passwordProblem('tab\tin the password')).toBe('the password is printable ASCII characters');
  });
});
