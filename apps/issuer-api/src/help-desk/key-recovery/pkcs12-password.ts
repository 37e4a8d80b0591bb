/** Why a PKCS#12 password is refused, if it is: printable ASCII (encoded alike by every reader), long enough to resist guessing offline. */
export function passwordProblem(pw: string): string | undefined {
  if (!/^[\x20-\x7e]*$/.test(pw)) return 'the password is printable ASCII characters';
  if (pw.length < 12 || pw.length > 128) return 'the password has 12 to 128 characters';
  return undefined;
}
