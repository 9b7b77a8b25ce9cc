import 'reflect-metadata';
import { runDomainMigrations } from '@stac/runtime';
import { ADVOCACY } from './advocacy.module';

runDomainMigrations(ADVOCACY).catch((e) => {
  process.stderr.write(`advocacy: migration failed: ${(e as Error).message}\n`);
  process.exit(1);
});
