/** A file name relying parties fetch: `<ca id>.crl` or `<ca id>.crt`. */
const FILE = /^([a-z0-9][a-z0-9-]{0,39})\.(crl|crt)$/;

/** The CA id a public PKI file name names, when it has the expected extension. */
export function caIdOfFile(file: string, ext: 'crl' | 'crt'): string | undefined {
  const m = FILE.exec(file);
  return m && m[2] === ext ? m[1] : undefined;
}
