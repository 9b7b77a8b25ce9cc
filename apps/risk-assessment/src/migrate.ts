import 'reflect-metadata';
import { runDomainMigrations } from '@stac/runtime';
import { RISK_ASSESSMENT } from './risk-assessment.module';

runDomainMigrations(RISK_ASSESSMENT).catch((e) => {
  process.stderr.write(`risk-assessment: migration failed: ${(e as Error).message}\n`);
  process.exit(1);
});
