import { ownerDb } from './users';

/**
 * Closes the card work that earlier test files left open in the shared test database. The API
 * leases card jobs oldest first, so a request an earlier file left waiting for a card would take
 * the blank card a later file puts into a reader for its own request. Run when a stack that
 * personalises cards starts: every open request is closed (cancelled before a card is claimed,
 * failed after) and its leases dropped.
 */
export async function closeOpenCardWork(): Promise<number> {
  const db = await ownerDb();
  let closed = 0;
  try {
    await db.query('BEGIN');
    const r = await db.query(
      `UPDATE issuance_request
          SET state = CASE WHEN state IN ('personalising', 'verifying') THEN 'failed' ELSE 'cancelled' END,
              failure = COALESCE(failure, 'closed by the test set-up'),
              state_changed_at = now()
        WHERE state NOT IN ('issued', 'failed', 'cancelled')
        RETURNING id`,
    );
    closed = r.rowCount ?? 0;
    await db.query(`DELETE FROM card_lease`);
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await db.end();
  }
  return closed;
}
