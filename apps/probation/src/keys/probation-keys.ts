import { createHmac, randomBytes } from 'node:crypto';
import { PROBATION_DATA_KEYS_VAR, PROBATION_SEARCH_KEY_VAR } from '@stac/config';
import { JsonSealer, KeyRing, keyRingFromEnv, searchKeyFromEnv } from '@stac/persistence';

/**
 * Probation's own keys (it is its own data controller, so never the police's): its key ring for restricted
 * fields (AES-256-GCM under the current key, the key id in the ciphertext, bound to row id and column), and
 * a separate search key for the keyed token of the probation case reference, so the reference is findable
 * but never stored, and rotating the data keys leaves the tokens as they are.
 */
export class ProbationKeys extends JsonSealer {
  private readonly searchKey: Buffer;

  constructor(ring: KeyRing, searchKey: Buffer) {
    super(ring);
    if (searchKey.length !== 32) throw new Error('PROBATION_SEARCH_KEY must be 32 bytes');
    this.searchKey = Buffer.from(searchKey);
  }

  /** From PROBATION_DATA_KEYS and PROBATION_SEARCH_KEY: required in production; published keys only in development. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ProbationKeys {
    const ring = keyRingFromEnv('PROBATION_DATA_KEYS', PROBATION_DATA_KEYS_VAR, env);
    return new ProbationKeys(ring, searchKeyFromEnv('PROBATION_SEARCH_KEY', PROBATION_SEARCH_KEY_VAR, ring, env));
  }

  static generate(): ProbationKeys {
    return new ProbationKeys(KeyRing.generate(), randomBytes(32));
  }

  /** The keyed search token of a probation case reference (case and separators normalised away). */
  referenceToken(reference: string): Buffer {
    const normal = reference.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return createHmac('sha256', this.searchKey).update('probation-case-reference\u0000').update(normal).digest();
  }
}
