import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mintDevToken } from '@stac/auth';
import { AGENCIES, ROLES, type Agency, type Role } from '@stac/domain';

/**
 * `pnpm run token --agency police --role stac-screener --sub alice` prints an access token from the local
 * dev issuer (keys created on first use under .stac/dev-issuer, or AUTH_DEV_ISSUER_DIR).
 */
async function main() {
  const { values } = parseArgs({
    options: {
      agency: { type: 'string' },
      role: { type: 'string', multiple: true },
      sub: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string', default: '3600' },
      audience: { type: 'string', default: process.env.AUTH_AUDIENCE ?? 'stac-platform' },
    },
  });
  const agency = values.agency as Agency;
  if (!AGENCIES.includes(agency)) fail(`--agency must be one of ${AGENCIES.join(', ')}`);
  const roles = (values.role ?? []).flatMap((r) => r.split(',')) as Role[];
  if (roles.length === 0 || roles.some((r) => !ROLES.includes(r))) fail(`--role must be one or more of ${ROLES.join(', ')}`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86400) fail('--ttl must be 1-86400 seconds');
  const dir = process.env.AUTH_DEV_ISSUER_DIR || resolve(__dirname, '../../../.stac/dev-issuer');
  const token = await mintDevToken(dir, { agency, roles, subject: values.sub!, audience: values.audience!, ttlSeconds: ttl });
  process.stdout.write(`${token}\n`);
}

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

void main();
