// `pnpm migrate`: creates any missing service database and applies every service's migrations, then exits.
import { preflight, redact } from './preflight';
import { migrateAll } from './run-migrations';
import { devDataKey, devSecret, stackEnv, stackSettingsFromEnv } from './stack-env';

async function main(): Promise<number> {
  const settings = stackSettingsFromEnv();
  if (!(await preflight({ pgBase: settings.pgBase }))) return 1;
  process.stdout.write(`[stack] migrating every service database on ${redact(settings.pgBase)}\n`);
  // Same persisted dev data key as `pnpm start`: intake's migrations encrypt existing rows with it.
  const env = stackEnv({
    ...settings,
    nodeEnv: 'development',
    dataKey: devDataKey(settings.dataKeyFile),
    chainKey: devSecret(settings.chainKeyFile),
  });
  await migrateAll(env, process.stdout, settings.pgBase);
  process.stdout.write('[stack] migrations done\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[stack] ${(e as Error).message}\n`);
    process.exit(1);
  },
);
