// `pnpm start`: checks Postgres and NATS, migrates every service database, runs every app with
// prefixed logs (readable lines in development, JSON in production) until Ctrl-C. See tools/stack/README.md.
import { ensureDevIssuerKeys } from '@stac/auth/dev-issuer';
import { launchServices, type LaunchedServices } from '@stac/testing/launch';
import { preflight, redact } from './preflight';
import { logFormatFromEnv, prettyLogStream } from './pretty-logs';
import { migrateAll } from './run-migrations';
import {
  devDataKey,
  devSecret,
  SERVICES,
  serviceEntry,
  serviceNodeArgs,
  stackEnv,
  stackSettingsFromEnv,
} from './stack-env';

const say = (line: string) => process.stdout.write(`[stack] ${line}\n`);

async function main(): Promise<void> {
  const settings = stackSettingsFromEnv();
  const colors = Boolean(process.stdout.isTTY);
  const output = logFormatFromEnv() === 'pretty' ? prettyLogStream(process.stdout, { colors }) : process.stdout;
  // On the compose NATS (BUS-01) the check connects as the gateway's user, over TLS.
  const natsAuth = {
    ...(settings.natsPasswords.gateway ? { user: 'gateway', pass: settings.natsPasswords.gateway } : {}),
    ...(settings.natsTlsCa ? { tls: { caFile: settings.natsTlsCa } } : {}),
  };
  if (!(await preflight({ pgBase: settings.pgBase, natsUrl: settings.natsUrl, natsAuth }))) process.exit(1);
  // NODE_ENV=development said explicitly: the services default to production (DP-02).
  const env = stackEnv({
    ...settings,
    nodeEnv: 'development',
    dataKey: devDataKey(settings.dataKeyFile),
    chainKey: devSecret(settings.chainKeyFile),
  });
  // Every service reads the dev issuer's public keys at start; `pnpm run token` signs with the private key.
  await ensureDevIssuerKeys(settings.devIssuerDir);

  // Set once the services run; the signal handlers are installed before that.
  const running: { stack?: LaunchedServices } = {};
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: do not wait for graceful shutdown any longer.
      say(`${signal} again: killing everything`);
      for (const s of SERVICES) void running.stack?.kill(s, 'SIGKILL').catch(() => undefined);
      process.exit(130);
    }
    stopping = true;
    say(`${signal}: stopping every service`);
    void (running.stack?.stop() ?? Promise.resolve()).then(
      () => {
        say('stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  say(`Postgres ${redact(settings.pgBase)}, NATS ${redact(settings.natsUrl)}: up`);
  say('migrating');
  await migrateAll(env, output, settings.pgBase);
  if (stopping) return;

  say(`starting ${SERVICES.join(', ')}`);
  const stack = (running.stack = await launchServices(
    SERVICES.map((svc) => ({ name: svc, entry: serviceEntry(svc), env: env[svc] })),
    {
      output,
      colors,
      nodeArgs: serviceNodeArgs(),
      readyTimeoutMs: Number(process.env.STAC_READY_TIMEOUT_MS) || 120_000,
      onUnexpectedExit: (name, code, signal) => {
        if (!stopping)
          say(
            `${name} stopped (${signal ?? `code ${code}`}); the others keep running. Ctrl-C stops the stack.`,
          );
      },
    },
  ));
  if (stopping) return;
  const gateway = stack.url('gateway');
  say('every service is ready');
  say(`gateway: ${gateway}   API docs: ${gateway}/docs`);
  say(
    `services: ${SERVICES.filter((s) => s !== 'gateway')
      .map((s) => `${s} ${stack.url(s)}`)
      .join(', ')}`,
  );
  say(`dev token issuer keys: ${settings.devIssuerDir} (pnpm run token --agency police --role case-officer)`);
  say('Ctrl-C stops the stack');
}

main().catch((e: unknown) => {
  process.stderr.write(`[stack] ${(e as Error).message}\n`);
  process.exit(1);
});
