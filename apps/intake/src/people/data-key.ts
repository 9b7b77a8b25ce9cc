import { INTAKE_DATA_KEYS_VAR, INTAKE_SEARCH_KEY_VAR } from '@stac/config';
import { keyRingFromEnv, searchKeyFromEnv } from '@stac/persistence';
import { PersonalDataCipher } from './personal-data-cipher';

/**
 * The police's cipher in intake from INTAKE_DATA_KEYS (the key ring) and INTAKE_SEARCH_KEY (the search key),
 * validated like every other variable: required in production, published development keys refused unless
 * development is explicitly enabled (DP-02). intake's data migrations read it too.
 */
export function dataKeyFromEnv(env: NodeJS.ProcessEnv = process.env): PersonalDataCipher {
  const ring = keyRingFromEnv('INTAKE_DATA_KEYS', INTAKE_DATA_KEYS_VAR, env);
  return new PersonalDataCipher(ring, searchKeyFromEnv('INTAKE_SEARCH_KEY', INTAKE_SEARCH_KEY_VAR, ring, env));
}
