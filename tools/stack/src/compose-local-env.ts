import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    // `pnpm start` on the host against this NATS (deploy/compose/local-infra.yml) verifies it with this CA.
    STAC_NATS_TLS_CA: NATS_TLS_DIR + '/ca.crt',
  };
}

/** Where the local profile's throwaway NATS certificates go (docker-compose.yml's STAC_NATS_TLS_DIR default). */
export const NATS_TLS_DIR = '.stac/nats-tls';

/**
 * A throwaway CA and a server certificate for the compose NATS (names `nats`, `localhost`, 127.0.0.1), made
 * with openssl, once (BUS-01: the shipped nats.conf requires TLS). Development only: a deployment uses its PKI.
 */
export function writeLocalNatsTls(dir: string): 'kept' | 'written' {
  if (existsSync(join(dir, 'server.crt')) && existsSync(join(dir, 'ca.crt'))) return 'kept';
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ossl = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed (is openssl installed?): ${r.stderr ?? r.error}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '825', '-subj', '/CN=stac-local-nats-ca']);
  ossl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=nats']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:nats,DNS:localhost,IP:127.0.0.1\n');
  ossl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '825', '-extfile', 'san.ext']);
  return 'written';
}

/** `pnpm run compose:local-env [file]`: writes the local profile's env file (default .stac/compose-local.env). */
function main() {
  const root = resolve(__dirname, '../../..');
  const file = resolve(process.argv[2] ?? join(root, '.stac', 'compose-local.env'));
  const env = localComposeEnv(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
  mkdirSync(dirname(file), { recursive: true });
  const lines = Object.entries(env).map(([k, v]) => `${k}=${/^[\w.:/+=-]*$/.test(v) ? v : `'${v}'`}`);
  writeFileSync(file, `# Local profile only: fresh random secrets for a developer's machine. Never use in production.\n${lines.join('\n')}\n`, { mode: 0o600 });
  const tls = writeLocalNatsTls(join(root, NATS_TLS_DIR));
  process.stdout.write(`${tls === 'kept' ? 'kept' : 'wrote'} ${NATS_TLS_DIR}/ (the NATS server's throwaway CA and certificate)\n`);
  process.stdout.write(
    `wrote ${relative(process.cwd(), file)}\nstart: docker compose --env-file ${relative(process.cwd(), file)} --profile local up -d --build\n`,
  );
}

if (require.main === module) main();
