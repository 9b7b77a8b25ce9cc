import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfigOrExit, SERVICE_ENV, withConfigErrorsFatal } from '@stac/config';
import { serviceDataSourceOptions } from '@stac/persistence';
import { dataKeyFromEnv } from './people/data-key';
import { reindexPersonMatchKeys } from './people/search-reindex';

/**
 * `node dist/reindex.js` (`pnpm keys reindex intake` in a checkout): derives every person's search keys
 * again under INTAKE_SEARCH_KEY, after the search key changed (docs/operations.md "Rotate a search key").
 * Reads DATABASE_URL, INTAKE_DATA_KEYS and INTAKE_SEARCH_KEY like the service.
 */
async function main() {
  const { DATABASE_URL } = loadConfigOrExit({ DATABASE_URL: SERVICE_ENV.intake.DATABASE_URL });
  const cipher = dataKeyFromEnv();
  const ds = new DataSource(serviceDataSourceOptions({ url: DATABASE_URL, entities: [], migrations: [], applicationName: 'intake-reindex' }));
  await ds.initialize();
  try {
    const r = await reindexPersonMatchKeys(ds, cipher, { onBatch: (p) => process.stdout.write(`  people ${p.people}, keys ${p.keys}\n`) });
    process.stdout.write(`intake: search keys derived again for ${r.people} people (${r.keys} keys)\n`);
  } finally {
    await ds.destroy();
  }
}

withConfigErrorsFatal(main).catch((e) => {
  process.stderr.write(`intake: reindex failed: ${(e as Error).message}\n`);
  process.exit(1);
});
