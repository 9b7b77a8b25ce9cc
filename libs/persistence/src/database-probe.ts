import type { DataSource } from 'typeorm';

/** Readiness probe: the pool can run a trivial query. */
export function databaseProbe(ds: DataSource) {
  return {
    key: 'postgres',
    async check() {
      if (!ds.isInitialized) throw new Error('not connected');
      await ds.query('SELECT 1');
    },
  };
}
