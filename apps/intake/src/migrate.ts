import 'reflect-metadata';
import { runDomainMigrations } from '@stac/runtime';
import { INTAKE } from './intake.module';

runDomainMigrations(INTAKE).catch((e) => {
  process.stderr.write(`intake: migration failed: ${(e as Error).message}\n`);
  process.exit(1);
});
