import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface ServiceDataSourceOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Connection pool size; small by default, services are many and Postgres connections are not free. */
  poolSize?: number;
  applicationName: string;
}

/** TypeORM options for a service database: migrations only, never synchronize. */
export function serviceDataSourceOptions(o: ServiceDataSourceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    entities: o.entities,
    migrations: o.migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    logging: false,
    applicationName: o.applicationName,
    extra: {
      max: o.poolSize ?? 10,
      // Fail fast when Postgres is down instead of hanging requests (REL-05).
      connectionTimeoutMillis: 2000,
      statement_timeout: 15000,
    },
  };
}

/** Applies pending migrations in one transaction each; used by `pnpm migrate` and the compose job. */
export async function runMigrations(options: DataSourceOptions): Promise<string[]> {
  const ds = new DataSource(options);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
