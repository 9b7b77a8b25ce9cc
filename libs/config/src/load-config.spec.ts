import { loadConfig, SERVICE_ENV } from './index';

describe('loadConfig', () => {
  const ok = {
    DATABASE_URL: 'postgres://intake@127.0.0.1:5432/stac_intake',
    DATA_KEY: Buffer.alloc(32, 1).toString('base64'),
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

  it('DP-02: intake needs its data key, with no default, as base64 of 32 bytes', () => {
    expect(SERVICE_ENV.intake.DATA_KEY?.default).toBeUndefined();
    const { DATA_KEY: _omitted, ...withoutKey } = ok;
    expect(() => loadConfig(SERVICE_ENV.intake, withoutKey)).toThrow(/^config: DATA_KEY is required/);
    expect(() => loadConfig(SERVICE_ENV.intake, { ...ok, DATA_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/DATA_KEY must match/);
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
});
