import { developmentEnabled, type EnvSpec, type EnvVar } from './env-spec';

export class ConfigError extends Error {}

type ValueOf<V extends EnvVar> = V['format'] extends 'port' | 'int' ? number : string;
export type Config<S extends EnvSpec> = { readonly [K in keyof S]: ValueOf<S[K]> };

function parse(name: string, raw: string, v: EnvVar): string | number {
  const bad = (why: string) => new ConfigError(`config: ${name} ${why}`);
  switch (v.format) {
    case 'port':
    case 'int': {
      if (!/^\d+$/.test(raw)) throw bad(`must be an integer, got "${raw}"`);
      const n = Number(raw);
      const [min, max] = v.format === 'port' ? [1, 65535] : [v.min ?? 0, v.max ?? Number.MAX_SAFE_INTEGER];
      if (n < min || n > max) throw bad(`must be between ${min} and ${max}, got ${n}`);
      return n;
    }
    case 'enum':
      if (!v.values?.includes(raw)) throw bad(`must be one of ${v.values?.join('|')}, got "${raw}"`);
      return raw;
    case 'postgres-url':
    case 'nats-url':
    case 'url': {
      const protocols = { 'postgres-url': ['postgres:', 'postgresql:'], 'nats-url': ['nats:', 'tls:'], url: ['http:', 'https:'] }[
        v.format
      ];
      for (const part of v.format === 'nats-url' ? raw.split(',') : [raw]) {
        let u: URL;
        try {
          u = new URL(part.trim());
        } catch {
          throw bad('is not a valid URL');
        }
        if (!protocols.includes(u.protocol)) throw bad(`must use ${protocols.join(' or ')}`);
      }
      return raw;
    }
    default:
      if (raw.length === 0) throw bad('must not be empty');
      if (v.pattern && !v.pattern.test(raw)) throw bad(`must match ${v.pattern}`);
      return raw;
  }
}

/**
 * Reads and validates configuration once at start. The error names the variable but never echoes a
 * URL (it may hold a password).
 */
export function loadConfig<S extends EnvSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): Config<S> {
  const out: Record<string, string | number> = {};
  const dev = developmentEnabled(env.NODE_ENV ?? (spec.NODE_ENV as EnvVar | undefined)?.default);
  const missingInProduction: string[] = [];
  for (const [name, v] of Object.entries(spec)) {
    const raw = env[name] ?? v.default ?? (dev ? v.devDefault : undefined);
    if (!dev && v.devDefault !== undefined && raw === v.devDefault)
      throw new ConfigError(`config: ${name} is the published development value; set it from the secret store`);
    if ((raw === undefined || raw === '') && v.requiredInProduction && !dev) {
      // Reported after every other variable, so a malformed one is still named first.
      missingInProduction.push(`config: ${name} is required in production (${v.description})`);
      continue;
    }
    if (raw === '' && v.allowEmpty) {
      out[name] = '';
      continue;
    }
    if (raw === undefined || raw === '') throw new ConfigError(`config: ${name} is required (${v.description})`);
    out[name] = parse(name, raw, v);
  }
  if (missingInProduction.length) throw new ConfigError(missingInProduction[0]);
  if ('NATS_USER' in spec && !out.NATS_USER !== !out.NATS_PASSWORD)
    throw new ConfigError('config: NATS_USER and NATS_PASSWORD go together: set both or (development only) neither');
  return out as Config<S>;
}

/** Loads config for a process entry point; a bad variable ends the process with one clear line. */
export function loadConfigOrExit<S extends EnvSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): Config<S> {
  try {
    return loadConfig(spec, env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}

/** Runs a process entry point; a ConfigError anywhere in it ends the process with its one line. */
export async function withConfigErrorsFatal<T>(main: () => Promise<T>): Promise<T> {
  try {
    return await main();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
}
