/** Hosts where plain http never leaves the machine. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why the CLI refuses to send a password or a session to this API URL, or null: plain `http://`
 * is only for the loopback interface; anywhere else the API is reached over `https://` (the TLS
 * proxy of docs/security.md).
 */
export function insecureApiUrl(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return `SCM_API_URL "${raw}" is not a URL`;
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol !== 'http:') return `SCM_API_URL "${raw}" must use https://`;
  return LOOPBACK.test(u.hostname)
    ? null
    : `SCM_API_URL ${raw} would send passwords and sessions in clear: use https:// (plain http:// is for 127.0.0.1 and localhost only)`;
}
