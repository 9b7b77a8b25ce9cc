import { ConfigError, developmentEnabled, loadConfig, type EnvVar } from '@stac/config';
import { KeyRing, keyFingerprint } from './key-ring';

/**
 * Fingerprints (SHA-256 of the base64 text) of every key ever published in the repository: the development
 * key rings of libs/config (each `devDefault`) and the keys compose once defaulted to. Refused, in any ring
 * and under any key id, unless development is explicitly enabled (NODE_ENV=development or test).
 */
const PUBLISHED_KEY_FINGERPRINTS = new Set([
  'fea83c90f52fd6379ffbc1db7293150c8a4f9d6a361c2eda36507635c56ad082',
  'fa34ae3d574bf25ff73497244b8d6e09eb0e35bfd7e411c37d26996e2db98cc7',
  keyFingerprint('mU6mKqkZ3kB0m2xgqkq8mKJYb9zXo1Ck9bQm6W3c0yE='),
  keyFingerprint('q7Zl2ZQm3r0vYk4pQ8h1cT6nJx9sWb2eLd5fGu8aMiA='),
]);

function refusePublished(name: string, keysBase64: readonly string[], spec: EnvVar, env: NodeJS.ProcessEnv): void {
  if (developmentEnabled(env.NODE_ENV ?? 'production')) return;
  const published = new Set(PUBLISHED_KEY_FINGERPRINTS);
  for (const k of publishedKeysOf(spec)) published.add(keyFingerprint(k));
  if (keysBase64.some((k) => published.has(keyFingerprint(k)))) {
    throw new ConfigError(`config: ${name} holds a published development key; set it from the secret store`);
  }
}

/** The keys inside a variable's published development value. */
function publishedKeysOf(spec: EnvVar): string[] {
  return spec.devDefault ? [...spec.devDefault.matchAll(/[A-Za-z0-9+/]{43}=/g)].map((m) => m[0]) : [];
}

/**
 * A service's key ring from its `<SVC>_DATA_KEYS` variable, validated like every other variable: required
 * in production (no default), the published development ring only when development is enabled, and no
 * published key under any id.
 */
export function keyRingFromEnv(name: string, spec: EnvVar, env: NodeJS.ProcessEnv = process.env): KeyRing {
  const value = String(loadConfig({ [name]: spec }, env)[name]);
  const ring = KeyRing.parse(value, name);
  refusePublished(name, ring.keysBase64(), spec, env);
  return ring;
}

/**
 * A service's search key (HMAC of its blind indexes) from its `<SVC>_SEARCH_KEY` variable: one key, not in
 * the data key ring, so rotating the data keys leaves every search token as it is.
 */
export function searchKeyFromEnv(name: string, spec: EnvVar, ring: KeyRing, env: NodeJS.ProcessEnv = process.env): Buffer {
  const value = String(loadConfig({ [name]: spec }, env)[name]);
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64') !== value) throw new ConfigError(`config: ${name} must be base64 of 32 bytes`);
  if (ring.keysBase64().includes(value)) throw new ConfigError(`config: ${name} must not be one of the data keys`);
  refusePublished(name, [value], spec, env);
  return key;
}
