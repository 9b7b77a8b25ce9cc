import 'reflect-metadata';
import { runDomainMigrations } from '@stac/runtime';
import { MENTAL_HEALTH } from './mental-health.module';

runDomainMigrations(MENTAL_HEALTH).catch((e) => {
  process.stderr.write(`mental-health: migration failed: ${(e as Error).message}\n`);
  process.exit(1);
});
