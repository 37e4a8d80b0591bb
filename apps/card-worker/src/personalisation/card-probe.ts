import type { CardProbe } from '@scm/personalisation';
import type { PivSession } from '@scm/piv';

/**
 * Reads what the API needs to know of a card's capabilities before binding it: GET VERSION (INS FD),
 * a read. Nothing is ever written to probe a card: a card's ability to import keys is judged from
 * this answer and its ATR (`cardCapabilitiesOf`), never by trying an import.
 */
export async function probeCard(session: PivSession): Promise<CardProbe> {
  return { version: (await session.version()) ?? null };
}
