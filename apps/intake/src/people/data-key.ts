import { createHash } from 'node:crypto';
import { DATA_KEY_VAR, developmentEnabled, loadConfig } from '@stac/config';
import { DataKeyError, PersonalDataCipher } from './personal-data-cipher';

/**
 * Fingerprints (SHA-256 of the base64 value) of keys that are published in the repository for local use
 * (formerly docker-compose.yml's default). Refused unless development is explicitly enabled
 * (NODE_ENV=development or test): keys come from configuration, never the repo (DP-02).
 */
const PUBLISHED_DEV_KEYS = new Set(['fea83c90f52fd6379ffbc1db7293150c8a4f9d6a361c2eda36507635c56ad082']);

/** The agency's cipher from DATA_KEY (validated like every other variable; required, no default). */
export function dataKeyFromEnv(env: NodeJS.ProcessEnv = process.env): PersonalDataCipher {
  const { DATA_KEY } = loadConfig({ DATA_KEY: DATA_KEY_VAR }, env);
  if (!developmentEnabled(env.NODE_ENV) && PUBLISHED_DEV_KEYS.has(createHash('sha256').update(DATA_KEY).digest('hex'))) {
    throw new DataKeyError('config: DATA_KEY is the published development key; set the agency key from the secret store');
  }
  return PersonalDataCipher.fromBase64(DATA_KEY);
}
