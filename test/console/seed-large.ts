import type { Client } from 'pg';

/**
 * Seeds `n` cardholders, each with an issued request and an issued card (serials <prefix>000001…),
 * straight in SQL: a fixture for measuring the console's lists at scale, not a flow under test.
 * Returns the tag in every name and the serials' prefix, so a search can find one row among them.
 */
export async function seedLargeLists(db: Client, n: number): Promise<{ tag: string; prefix: string }> {
  const run = Date.now() % 100000;
  const tag = `bulk${run}`;
  const prefix = `LL${String(run).padStart(5, '0')}`;
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
       SELECT card, $1 || lpad(i::text, 6, '0'), 'issued', holder, request, at, at FROM bulk_ids`,
      [prefix],
    );
    await db.query(`UPDATE issuance_request r SET card_id = b.card FROM bulk_ids b WHERE r.id = b.request`);
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK');
    throw e;
  }
  return { tag, prefix };
}

/** Removes what seedLargeLists made (as the schema owner), so later suites of the run never see it. */
export async function removeLargeLists(owner: Client, seed: { tag: string; prefix: string }): Promise<void> {
  await owner.query('BEGIN');
  try {
    const holders = `SELECT id FROM cardholder WHERE name LIKE $1 || ' Holder %'`;
    await owner.query(`UPDATE issuance_request SET card_id = NULL WHERE cardholder_id IN (${holders})`, [seed.tag]);
    await owner.query(`DELETE FROM card WHERE serial LIKE $1 || '%'`, [seed.prefix]);
    await owner.query(`DELETE FROM issuance_request WHERE cardholder_id IN (${holders})`, [seed.tag]);
    await owner.query(`DELETE FROM cardholder WHERE name LIKE $1 || ' Holder %'`, [seed.tag]);
    await owner.query('COMMIT');
  } catch (e) {
    await owner.query('ROLLBACK');
    throw e;
  }
}
