import { cleartextApiUrlProblem } from '@scm/config';

/**
 * Why the CLI refuses to send a password or a session to this API URL, or null: plain `http://`
 * is only for the loopback interface; anywhere else the API is reached over `https://` (the TLS
 * proxy of docs/security.md). The card worker's configuration applies the same rule.
 */
export function insecureApiUrl(raw: string): string | null {
  const problem = cleartextApiUrlProblem(raw);
  return problem ? `SCM_API_URL ${raw} ${problem}` : null;
}
