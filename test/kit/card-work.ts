import { QUEUES } from '@scm/queue';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { ownerDb } from './users';
import { testEnv } from './test-env';

/**
 * Closes the card work that earlier test files left open in the shared test database and queue.
 * Card workers take personalise-card jobs oldest first, so a request an earlier file left waiting
 * for a card would take the blank card a later file puts into a reader for its own request. Run
 * when a stack that personalises cards starts: every open request is closed (cancelled before a
 * card is claimed, failed after), its outbox rows are marked done (a Redis flush must not bring
 * them back) and the cards queue is emptied.
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
    await db.query(`UPDATE outbox SET done_at = now() WHERE queue = $1 AND done_at IS NULL`, [QUEUES.cards]);
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await db.end();
  }
  const connection = new Redis(testEnv.SCM_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.cards, { connection, prefix: testEnv.SCM_REDIS_PREFIX });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
    connection.disconnect();
  }
  return closed;
}
