import { startDevIdentityProvider } from './identity-provider';

/**
 * The development identity provider's process (compose local profile, deploy/dev-idp/Dockerfile):
 * DEV_IDP_DIR (keys), DEV_IDP_HOST, DEV_IDP_PORT, AUTH_AUDIENCE. Refuses to start in production.
 */
async function main() {
  const env = process.env;
  if (!['development', 'test'].includes(env.NODE_ENV ?? '')) {
    process.stderr.write('dev-idp: development only (set NODE_ENV=development)\n');
    process.exit(78);
  }
  const idp = await startDevIdentityProvider({
    dir: env.DEV_IDP_DIR || '/data',
    host: env.DEV_IDP_HOST || '0.0.0.0',
    port: Number(env.DEV_IDP_PORT || 8900),
    audience: env.AUTH_AUDIENCE || 'stac-platform',
  });
  process.stdout.write(`dev-idp: JWKS at ${idp.url}/jwks.json, tokens from POST ${idp.url}/token\n`);
  const stop = () => void idp.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
