import { createDataSource } from '@scm/db';
import { testEnv } from '@scm/test-kit';
import type { DataSource } from 'typeorm';

type ColumnRow = { table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO'; column_default: string | null };

/** The JavaScript type node-postgres hands back for each column type (bigint comes back as a string). */
const JS_TYPES: Record<string, unknown> = {
  uuid: String,
  text: String,
  bigint: String,
  integer: Number,
  smallint: Number,
  boolean: Boolean,
  'timestamp with time zone': Date,
  bytea: Buffer,
};

/** A default as SQL text without casts and quotes, so `'active'::text` (table) equals `'active'` (TypeORM). */
const bareDefault = (d: string): string => d.replace(/::[a-z ]+(\[\])?/g, '').replace(/^'(.*)'$/s, '$1');

/**
 * The migrations own the schema and TypeORM never synchronises it, so nothing else holds the
 * entities of @scm/db to the tables: every table has exactly one entity, and each entity maps
 * every column of its table with the table's type, nullability, primary key, generated key and
 * (where it declares one) default.
 */
describe('the entities of @scm/db against the migrated schema', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = createDataSource(testEnv.SCM_DATABASE_URL, 2);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  it('has one entity per table, mapping every column as the table defines it', async () => {
    const problems: string[] = [];
    const tables = (
      (await ds.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`,
      )) as Array<{ table_name: string }>
    ).map((r) => r.table_name);
    // information_schema shows only what the application role may use: a table hidden from it would pass unseen.
    for (const { tablename } of (await ds.query(
      `SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
    )) as Array<{ tablename: string }>) {
      if (!tables.includes(tablename))
        problems.push(`${tablename}: expected in information_schema, found hidden from the application role`);
    }
    const columns = (await ds.query(
      `SELECT c.table_name, c.column_name, c.is_nullable, c.column_default,
              CASE WHEN c.data_type = 'ARRAY' THEN e.data_type || '[]' ELSE c.data_type END AS data_type
         FROM information_schema.columns c
         LEFT JOIN information_schema.element_types e
           ON e.object_catalog = c.table_catalog AND e.object_schema = c.table_schema AND e.object_name = c.table_name
          AND e.object_type = 'TABLE' AND e.collection_type_identifier = c.dtd_identifier
        WHERE c.table_schema = 'public'
        ORDER BY c.table_name, c.ordinal_position`,
    )) as ColumnRow[];
    const primary = new Set(
      (
        (await ds.query(
          `SELECT k.table_name, k.column_name
             FROM information_schema.table_constraints t
             JOIN information_schema.key_column_usage k
               ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name AND k.table_name = t.table_name
            WHERE t.table_schema = 'public' AND t.constraint_type = 'PRIMARY KEY'`,
        )) as Array<{ table_name: string; column_name: string }>
      ).map((r) => `${r.table_name}.${r.column_name}`),
    );

    for (const table of tables) {
      const mapped = ds.entityMetadatas.filter((m) => m.tableName === table).map((m) => m.name);
      if (mapped.length !== 1) problems.push(`${table}: expected one entity, found ${mapped.length ? mapped.join(', ') : 'none'}`);
    }
    for (const entity of ds.entityMetadatas) {
      const table = entity.tableName;
      if (!tables.includes(table)) {
        problems.push(`${table}: expected a table, found none (${entity.name})`);
        continue;
      }
      const inTable = new Map(columns.filter((c) => c.table_name === table).map((c) => [c.column_name, c]));
      for (const col of entity.columns) {
        const at = `${table}.${col.databaseName}`;
        const where = `${entity.name}.${col.propertyName}`;
        const row = inTable.get(col.databaseName);
        if (!row) {
          problems.push(`${at}: expected a column, found none (mapped by ${where})`);
          continue;
        }
        inTable.delete(col.databaseName);
        const type = `${ds.driver.normalizeType(col)}${col.isArray ? '[]' : ''}`;
        if (type !== row.data_type) problems.push(`${at}: expected type ${row.data_type}, found ${type} (${where})`);
        const nullable = row.is_nullable === 'YES';
        if (col.isNullable !== nullable)
          problems.push(
            `${at}: expected ${nullable ? 'nullable' : 'NOT NULL'}, found ${col.isNullable ? 'nullable' : 'NOT NULL'} (${where})`,
          );
        const pk = primary.has(at);
        const key = (p: boolean) => (p ? 'a primary key column' : 'a column outside the primary key');
        if (col.isPrimary !== pk) problems.push(`${at}: expected ${key(pk)}, found ${key(col.isPrimary)} (${where})`);
        const serial = row.column_default?.startsWith('nextval(') ?? false;
        if (col.isGenerated !== serial)
          problems.push(
            `${at}: expected ${serial ? 'a generated (serial)' : 'an assigned'} value, found ${col.isGenerated ? 'generated' : 'assigned'} (${where})`,
          );
        const declared = ds.driver.normalizeDefault(col);
        if (declared !== undefined && !serial && (row.column_default === null || bareDefault(declared) !== bareDefault(row.column_default)))
          problems.push(`${at}: expected default ${row.column_default ?? 'none'}, found ${declared} (${where})`);
        // The property's TypeScript type as decorator metadata: swc records Object for `T | null`, union
        // aliases and JSON shapes, which go unchecked; a bigint property typed number is caught.
        const jsType: unknown = Reflect.getMetadata(
          'design:type',
          entity.target instanceof Function ? entity.target.prototype : {},
          col.propertyName,
        );
        const expected = col.isArray ? Array : JS_TYPES[row.data_type];
        if (expected && jsType && jsType !== Object && jsType !== expected)
          problems.push(
            `${at}: expected a ${(expected as { name: string }).name} property, found ${(jsType as { name: string }).name} (${where})`,
          );
      }
      for (const name of inTable.keys()) problems.push(`${table}.${name}: expected a mapped column, found none in ${entity.name}`);
    }
    expect(problems).toEqual([]);
  });

  it('reads every entity through TypeORM', async () => {
    const failures: string[] = [];
    for (const entity of ds.entityMetadatas) {
      await ds
        .getRepository(entity.target)
        .find({ take: 1 })
        .catch((e: Error) => failures.push(`${entity.name}: ${e.message}`));
    }
    expect(failures).toEqual([]);
  });
});
