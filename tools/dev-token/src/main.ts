import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mintDevToken } from '@stac/auth';
import { TokenAskError, tokenRequest } from './token-request';

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
      team: { type: 'string' },
      audience: { type: 'string', default: process.env.AUTH_AUDIENCE ?? 'stac-platform' },
    },
  });
  let request;
  try {
    request = tokenRequest({ agency: values.agency, roles: values.role ?? [], sub: values.sub, ttl: values.ttl, audience: values.audience, team: values.team }, 'stac-platform');
  } catch (e) {
    if (!(e instanceof TokenAskError)) throw e;
    process.stderr.write(`token: --${e.message.replace(/^roles/, 'role')}\n`);
    process.exit(2);
  }
  const dir = process.env.AUTH_DEV_ISSUER_DIR || resolve(__dirname, '../../../.stac/dev-issuer');
  process.stdout.write(`${await mintDevToken(dir, request)}\n`);
}

void main();
