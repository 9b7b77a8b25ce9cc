import { MENTAL_HEALTH_DATA_KEYS_VAR } from '@stac/config';
import { keyRingFromEnv, KeyRing } from '@stac/persistence';

/**
 * Encryption at rest of the trust's clinical notes (suspect.health) with the trust's own key ring, never the
 * police's: AES-256-GCM under the ring's current key with the key id in the ciphertext, and the row id and
 * column as associated data, so a ciphertext cannot be moved to another row or column. The note text is
 * stored as UTF-8 (not JSON), as it always was.
 */
export class TrustDataCipher {
  constructor(readonly ring: KeyRing) {}

  /** From MENTAL_HEALTH_DATA_KEYS: required in production; published keys only in development. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TrustDataCipher {
    return new TrustDataCipher(keyRingFromEnv('MENTAL_HEALTH_DATA_KEYS', MENTAL_HEALTH_DATA_KEYS_VAR, env));
  }

  seal(text: string, rowId: string, column: string): Buffer {
    return this.ring.encrypt(Buffer.from(text, 'utf8'), rowId, column);
  }

  /** Decrypts and authenticates; a moved or tampered value throws. */
  open(sealed: Buffer, rowId: string, column: string): string {
    return this.ring.decrypt(sealed, rowId, column).toString('utf8');
  }
}
