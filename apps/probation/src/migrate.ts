import 'reflect-metadata';
import { runDomainMigrations } from '@stac/runtime';
import { PROBATION } from './probation.module';

runDomainMigrations(PROBATION).catch((e) => {
  process.stderr.write(`probation: migration failed: ${(e as Error).message}\n`);
  process.exit(1);
});
