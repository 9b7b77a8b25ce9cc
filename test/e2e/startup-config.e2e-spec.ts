import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { MENTAL_HEALTH_DATA_KEYS_VAR } from '@stac/config';
import { repoRoot } from '@stac/testing';
import { buildCompiled } from '../../tools/stack/src/compiled';
import { serviceEntry, serviceNodeArgs, type ServiceName } from '../../tools/stack/src/stack-env';

const chainKey = randomBytes(32).toString('base64');

jest.setTimeout(60_000);

// The services run compiled, as under `pnpm start`.
beforeAll(() => buildCompiled());

/** Starts a service's compiled entry point with only the given environment and returns how it ended. */
function start(service: ServiceName, env: Record<string, string>) {
  const r = spawnSync(process.execPath, [...serviceNodeArgs(), serviceEntry(service)], {
    cwd: repoRoot(),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr.trim() };
}

describe('a missing or malformed variable stops the process with one clear line naming it', () => {
  it.each([
    ['intake without DATABASE_URL', 'intake', {}, /^config: DATABASE_URL is required/],
    ['probation with a bad port', 'probation', { DATABASE_URL: 'postgres://x@127.0.0.1/stac_probation', HTTP_PORT: '99999' }, /^config: HTTP_PORT must be between 1 and 65535/],
    ['gateway with no token issuer', 'gateway', { NATS_USER: 'gateway', NATS_PASSWORD: 'x' }, /^config: no token issuer configured/],
    ['gateway in production with the dev issuer', 'gateway', { NODE_ENV: 'production', AUTH_DEV_ISSUER_DIR: '/tmp/x', NATS_USER: 'gateway', NATS_PASSWORD: 'x' }, /^config: AUTH_DEV_ISSUER_DIR is for development only/],
    ['DP-02: gateway with the dev issuer and no NODE_ENV (production by default)', 'gateway', { AUTH_DEV_ISSUER_DIR: '/tmp/x', NATS_USER: 'gateway', NATS_PASSWORD: 'x' }, /^config: AUTH_DEV_ISSUER_DIR is for development only/],
    ['LAW-07/DP-02: probation without AUDIT_CHAIN_KEY and no NODE_ENV', 'probation', { DATABASE_URL: 'postgres://x@127.0.0.1/stac_probation' }, /^config: AUDIT_CHAIN_KEY is required/],
    ['LAW-07/DP-02: advocacy with the published dev chain key in production', 'advocacy', { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/stac_advocacy', AUDIT_CHAIN_KEY: 'pvJBFwwF0nwDgoR1pTZIMMgBRsArxnYHgRdoKZh2Jsg=' }, /^config: AUDIT_CHAIN_KEY is the published development value/],
    ['DP-02: risk-assessment without its key ring and no NODE_ENV', 'risk-assessment', { DATABASE_URL: 'postgres://x@127.0.0.1/stac_risk', AUDIT_CHAIN_KEY: chainKey }, /^config: RISK_ASSESSMENT_DATA_KEYS is required/],
    ['DP-02: intake without its search key in production', 'intake', { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/stac_intake', AUDIT_CHAIN_KEY: chainKey, INTAKE_DATA_KEYS: `k1:${randomBytes(32).toString('base64')}` }, /^config: INTAKE_SEARCH_KEY is required/],
    ['DP-02: mental-health with the published development key ring in production', 'mental-health', { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/stac_mental_health', AUDIT_CHAIN_KEY: chainKey, MENTAL_HEALTH_DATA_KEYS: MENTAL_HEALTH_DATA_KEYS_VAR.devDefault }, /^config: MENTAL_HEALTH_DATA_KEYS is the published development value/],
    ['BUS-01: intake in production (the default) without NATS credentials', 'intake', { DATABASE_URL: 'postgres://x@127.0.0.1/stac_intake', AUDIT_CHAIN_KEY: chainKey, INTAKE_DATA_KEYS: `k1:${randomBytes(32).toString('base64')}`, INTAKE_SEARCH_KEY: randomBytes(32).toString('base64') }, /^config: NATS_USER is required in production/],
    ['BUS-01: gateway in production without a NATS password', 'gateway', { NODE_ENV: 'production', NATS_USER: 'gateway' }, /^config: NATS_PASSWORD is required in production/],
    ['risk-assessment with a bad NATS URL', 'risk-assessment', { DATABASE_URL: 'postgres://x@127.0.0.1/stac_risk', NATS_URL: 'http://127.0.0.1:4222' }, /^config: NATS_URL must use nats:/],
  ])('%s', (_name, service, env, message) => {
    const r = start(service as ServiceName, env as Record<string, string>);
    expect(r.code).toBe(78);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
