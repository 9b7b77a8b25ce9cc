import { ADVOCACY_DATA_KEYS_VAR } from '@stac/config';
import { JsonSealer, keyRingFromEnv, KeyRing } from '@stac/persistence';

/**
 * Encryption at rest with the charity's own key ring (DP-02): contact notes, consent justifications, the
 * victim's contact preferences (victim.contact), situation changes (victim.location) and feedback free text.
 * AES-256-GCM under the ring's current key, the key id in the ciphertext, (row id, column) as associated
 * data, so a value moved to another row or column, or tampered with, does not open.
 */
export class CharityCipher extends JsonSealer {
  static generate(): CharityCipher {
    return new CharityCipher(KeyRing.generate());
  }
}

/** The charity's cipher from ADVOCACY_DATA_KEYS: required in production; published keys only in development. */
export function charityCipherFromEnv(env: NodeJS.ProcessEnv = process.env): CharityCipher {
  return new CharityCipher(keyRingFromEnv('ADVOCACY_DATA_KEYS', ADVOCACY_DATA_KEYS_VAR, env));
}
