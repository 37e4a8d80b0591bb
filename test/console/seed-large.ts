import type { Client } from 'pg';

/**
 * Seeds `n` cardholders, each with an issued request and an issued card (serials LL000000…),
 * straight in SQL: a fixture for measuring the console's lists at scale, not a flow under test.
 * Returns the tag in every name, so a search can find one row among them.
 */
export async function seedLargeLists(db: Client, n: number): Promise<string> {
  const tag = `bulk${Date.now() % 100000}`;
  await db.query('BEGIN');
  try {
    await db.query(
      `CREATE TEMP TABLE bulk_ids ON COMMIT DROP AS
         SELECT i, gen_random_uuid() AS holder, gen_random_uuid() AS request, gen_random_uuid() AS card,
                now() - make_interval(secs => $1::int - i) AS at
           FROM generate_series(1, $1::int) AS i`,
      [n],
    );
    await db.query(
      `INSERT INTO cardholder (id, name, email, upn, org_ids, status, created_at, updated_at)
       SELECT holder, $1 || ' Holder ' || i, $1 || '.' || i || '@example.org', $1 || '.' || i || '@corp.example', '{}', 'active', at, at FROM bulk_ids`,
      [tag],
    );
    await db.query(
      `INSERT INTO issuance_request (id, cardholder_id, profile_id, profile, state, state_changed_at, created_by, created_at)
       SELECT request, holder, 'default', '{}'::jsonb, 'issued', at, 'seed', at FROM bulk_ids`,
    );
    await db.query(
      `INSERT INTO card (id, serial, state, cardholder_id, request_id, state_changed_at, created_at)
       SELECT card, 'LL' || lpad(i::text, 6, '0'), 'issued', holder, request, at, at FROM bulk_ids`,
    );
    await db.query(`UPDATE issuance_request r SET card_id = b.card FROM bulk_ids b WHERE r.id = b.request`);
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK');
    throw e;
  }
  return tag;
}
