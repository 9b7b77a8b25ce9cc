import { BUS_TOOL_ENV, developmentEnabled, loadConfig, migrationEnvSpec, SERVICE_ENV } from './index';

describe('loadConfig', () => {
  const ok = {
    DATABASE_URL: 'postgres://intake@127.0.0.1:5432/stac_intake',
    INTAKE_DATA_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    INTAKE_SEARCH_KEY: Buffer.alloc(32, 3).toString('base64'),
    AUDIT_CHAIN_KEY: Buffer.alloc(32, 2).toString('base64'),
    NATS_USER: 'intake',
    NATS_PASSWORD: 'bus-secret',
  };

  it('applies defaults and parses numbers', () => {
    const c = loadConfig(SERVICE_ENV.intake, ok);
    expect(c.HTTP_PORT).toBe(3001);
    expect(c.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(c.CONSUMER_MAX_DELIVER).toBe(10);
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig(SERVICE_ENV.intake, {})).toThrow(/^config: DATABASE_URL is required/);
  });

  it('DP-02: intake needs its key ring and search key in production, with no default; the published ones only in development', () => {
    expect(SERVICE_ENV.intake.INTAKE_DATA_KEYS?.default).toBeUndefined();
    const { INTAKE_DATA_KEYS: _omitted, ...withoutKey } = ok;
    expect(() => loadConfig(SERVICE_ENV.intake, withoutKey)).toThrow(/^config: INTAKE_DATA_KEYS is required/);
    const { INTAKE_SEARCH_KEY: _s, ...withoutSearch } = ok;
    expect(() => loadConfig(SERVICE_ENV.intake, withoutSearch)).toThrow(/^config: INTAKE_SEARCH_KEY is required/);
    expect(() => loadConfig(SERVICE_ENV.intake, { ...ok, INTAKE_DATA_KEYS: Buffer.alloc(32).toString('base64') })).toThrow(/INTAKE_DATA_KEYS must match/);
    expect(() => loadConfig(SERVICE_ENV.intake, { ...ok, INTAKE_DATA_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` })).toThrow(/INTAKE_DATA_KEYS must match/);
    const ring = `*k2:${Buffer.alloc(32, 4).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`;
    expect(loadConfig(SERVICE_ENV.intake, { ...ok, INTAKE_DATA_KEYS: ring }).INTAKE_DATA_KEYS).toBe(ring);
    const published = { ...ok, INTAKE_DATA_KEYS: SERVICE_ENV.intake.INTAKE_DATA_KEYS?.devDefault };
    expect(() => loadConfig(SERVICE_ENV.intake, published)).toThrow(/INTAKE_DATA_KEYS is the published development value/);
    expect(loadConfig(SERVICE_ENV.intake, { ...published, NODE_ENV: 'development' }).INTAKE_DATA_KEYS).toBe(published.INTAKE_DATA_KEYS);
  });

  it.each([
    ['HTTP_PORT', '70000', /HTTP_PORT must be between 1 and 65535/],
    ['HTTP_PORT', 'abc', /HTTP_PORT must be an integer/],
    ['NODE_ENV', 'prod', /NODE_ENV must be one of/],
    ['NATS_URL', 'http://x:4222', /NATS_URL must use nats:/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL is not a valid URL/],
  ])('rejects malformed %s=%s', (name, value, message) => {
    expect(() => loadConfig(SERVICE_ENV.intake, { ...ok, [name]: value })).toThrow(message);
  });

  it('never echoes a secret-bearing URL in the error', () => {
    expect(() => loadConfig(SERVICE_ENV.intake, { DATABASE_URL: 'mysql://u:s3cret@h/db' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });

  it('DP-02: production unless development is explicitly enabled', () => {
    const { NODE_ENV } = loadConfig(SERVICE_ENV.intake, ok);
    expect(NODE_ENV).toBe('production');
    expect(developmentEnabled(undefined)).toBe(false);
    expect(developmentEnabled('production')).toBe(false);
    expect(developmentEnabled('development')).toBe(true);
    expect(developmentEnabled('test')).toBe(true);
  });

  it('LAW-07/DP-02: AUDIT_CHAIN_KEY is required in production; the published dev key only when development is enabled', () => {
    const { AUDIT_CHAIN_KEY: _omitted, ...withoutKey } = ok;
    const published = SERVICE_ENV.intake.AUDIT_CHAIN_KEY.devDefault;
    expect(() => loadConfig(SERVICE_ENV.intake, withoutKey)).toThrow(/^config: AUDIT_CHAIN_KEY is required/);
    expect(() => loadConfig(SERVICE_ENV.intake, { ...withoutKey, NODE_ENV: 'production' })).toThrow(/AUDIT_CHAIN_KEY is required/);
    expect(() => loadConfig(SERVICE_ENV.intake, { ...ok, AUDIT_CHAIN_KEY: published })).toThrow(
      /AUDIT_CHAIN_KEY is the published development value/,
    );
    expect(loadConfig(SERVICE_ENV.intake, { ...withoutKey, NODE_ENV: 'development' }).AUDIT_CHAIN_KEY).toBe(published);
    expect(loadConfig(SERVICE_ENV.intake, { ...withoutKey, NODE_ENV: 'test' }).AUDIT_CHAIN_KEY).toBe(published);
    expect(() => loadConfig(SERVICE_ENV.intake, { ...ok, AUDIT_CHAIN_KEY: 'short' })).toThrow(/AUDIT_CHAIN_KEY must match/);
  });

  it('BUS-01: production refuses to start without NATS credentials; development may run on an open local NATS', () => {
    const { NATS_USER: _u, NATS_PASSWORD: _p, ...anonymous } = ok;
    expect(() => loadConfig(SERVICE_ENV.intake, anonymous)).toThrow(/^config: NATS_USER is required in production/);
    expect(() => loadConfig(SERVICE_ENV.intake, { ...anonymous, NODE_ENV: 'production', NATS_USER: 'intake' })).toThrow(
      /^config: NATS_PASSWORD is required in production/,
    );
    expect(() => loadConfig(SERVICE_ENV.gateway, {})).toThrow(/^config: NATS_USER is required in production/);
    // A malformed variable is still named first.
    expect(() => loadConfig(SERVICE_ENV.intake, { ...anonymous, HTTP_PORT: 'x' })).toThrow(/^config: HTTP_PORT must be an integer/);
    expect(loadConfig(SERVICE_ENV.intake, { ...anonymous, NODE_ENV: 'development' }).NATS_USER).toBe('');
    expect(() => loadConfig(SERVICE_ENV.intake, { ...anonymous, NODE_ENV: 'test', NATS_USER: 'intake' })).toThrow(/NATS_USER and NATS_PASSWORD go together/);
    const c = loadConfig(SERVICE_ENV.intake, { ...ok, NATS_TLS_CA: '/etc/stac/nats-ca.crt' });
    expect([c.NATS_USER, c.NATS_PASSWORD, c.NATS_TLS_CA]).toEqual(['intake', 'bus-secret', '/etc/stac/nats-ca.crt']);
    // The migrate job never talks to the bus and gets no bus credentials.
    expect('NATS_PASSWORD' in migrationEnvSpec('intake')).toBe(false);
    expect(() => loadConfig(BUS_TOOL_ENV, {})).toThrow(/^config: NATS_USER is required in production/);
  });

  it('LAW-07: the migrate entry needs the owner credentials; the running service does not read them', () => {
    expect('DATABASE_MIGRATION_URL' in SERVICE_ENV.intake).toBe(false);
    expect('AUDIT_CHAIN_KEY' in migrationEnvSpec('intake')).toBe(false);
    expect(() => loadConfig(migrationEnvSpec('intake'), ok)).toThrow(/^config: DATABASE_MIGRATION_URL is required/);
    expect(loadConfig(migrationEnvSpec('intake'), { ...ok, DATABASE_MIGRATION_URL: 'postgres://o@h/stac_intake' }).DATABASE_MIGRATION_URL).toBe(
      'postgres://o@h/stac_intake',
    );
  });
});
