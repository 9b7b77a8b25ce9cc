import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every variable docker-compose.yml requires of the operator (`${VAR:?...}`). */
export function requiredComposeVariables(composeText: string): string[] {
  return [...new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((m) => m[1]))];
}

/** Where the development identity provider answers inside the compose network. */
export const DEV_IDP_URL = 'http://dev-idp:8900';

/**
 * The compose local profile's environment: a fresh random value for every password and key compose
 * requires (no secret is ever a published default), no production issuers, development mode and the
 * dev-idp container as the token issuer.
 */
export function localComposeEnv(composeText: string, random = (n: number) => randomBytes(n)): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of requiredComposeVariables(composeText))
    env[name] = name.endsWith('_DATA_KEYS')
      ? `local:${random(32).toString('base64')}` // a key ring of one key, id `local` (DP-02)
      : name.endsWith('_KEY')
        ? random(32).toString('base64')
        : random(16).toString('hex');
  return {
    ...env,
    COMPOSE_PROFILES: 'local',
    STAC_NODE_ENV: 'development',
    STAC_AUTH_ISSUERS: '[]',
    STAC_AUTH_DEV_ISSUER_URL: DEV_IDP_URL,
  };
}

/** `pnpm run compose:local-env [file]`: writes the local profile's env file (default .stac/compose-local.env). */
function main() {
  const root = resolve(__dirname, '../../..');
  const file = resolve(process.argv[2] ?? join(root, '.stac', 'compose-local.env'));
  const env = localComposeEnv(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
  mkdirSync(dirname(file), { recursive: true });
  const lines = Object.entries(env).map(([k, v]) => `${k}=${/^[\w.:/+=-]*$/.test(v) ? v : `'${v}'`}`);
  writeFileSync(file, `# Local profile only: fresh random secrets for a developer's machine. Never use in production.\n${lines.join('\n')}\n`, { mode: 0o600 });
  process.stdout.write(
    `wrote ${relative(process.cwd(), file)}\nstart: docker compose --env-file ${relative(process.cwd(), file)} --profile local up -d --build\n`,
  );
}

if (require.main === module) main();
