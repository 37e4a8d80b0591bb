import { caIdOfFile } from './pki-file';

describe('caIdOfFile', () => {
  it('names the CA of a CRL or certificate file', () => {
    expect(caIdOfFile('scm-issuing.crl', 'crl')).toBe('scm-issuing');
    expect(caIdOfFile('scm-root.crt', 'crt')).toBe('scm-root');
  });

  it('refuses the other extension, paths, upper case and over-long ids', () => {
    expect(caIdOfFile('scm-issuing.crt', 'crl')).toBeUndefined();
    expect(caIdOfFile('../scm-issuing.crl', 'crl')).toBeUndefined();
    expect(caIdOfFile('SCM.crl', 'crl')).toBeUndefined();
    expect(caIdOfFile('-scm.crl', 'crl')).toBeUndefined();
    expect(caIdOfFile(`${'a'.repeat(41)}.crl`, 'crl')).toBeUndefined();
    expect(caIdOfFile(`${'a'.repeat(40)}.crl`, 'crl')).toBe('a'.repeat(40));
  });
});
