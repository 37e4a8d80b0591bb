import { DataSource, type DataSourceOptions } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

/** Options shared by the application role and the owner: migrations only, never synchronize. */
export function dataSourceOptions(urlString: string, pool = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: urlString,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: pool, connectionTimeoutMillis: 5000, application_name: 'scm' },
  };
}

export function createDataSource(urlString: string, pool = 10): DataSource {
  return new DataSource(dataSourceOptions(urlString, pool));
}
