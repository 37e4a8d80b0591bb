/**
 * The PEM blocks of one kind in a text (e.g. what `openssl pkcs12 -nodes` prints), each whole with
 * its BEGIN and END lines and a final newline, in the order they appear. `label` is what follows
 * BEGIN: `CERTIFICATE`, `PRIVATE KEY`, …
 */
export function pemBlocks(text: string, label: string): string[] {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`-----BEGIN ${escaped}-----\\r?\\n[\\s\\S]*?-----END ${escaped}-----`, 'g');
  return [...text.matchAll(re)].map((m) => `${m[0]}\n`);
}
