import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { JsonSealer, KeyRing } from '@stac/persistence';

/** Keyed hashes are truncated to 16 bytes: collisions are negligible and the index stays small. */
const HASH_BYTES = 16;

/**
 * Encryption at rest of personal fields with the police's key ring (DP-02): AES-256-GCM under the ring's
 * current key, with the key id in the ciphertext and the row id and column as associated data (a value
 * cannot be moved to another column or row); and keyed hashes (HMAC-SHA256 under the separate search key)
 * for search and duplicate blocking, so names are findable without ever being stored or compared in
 * plaintext, and rotating the data keys leaves every search token as it is.
 */
export class PersonalDataCipher {
  private readonly sealer: JsonSealer;
  private readonly indexKey: Buffer;

  constructor(ring: KeyRing, searchKey: Buffer) {
    if (searchKey.length !== 32) throw new Error('the search key must be 32 bytes');
    this.sealer = new JsonSealer(ring);
    this.indexKey = Buffer.from(searchKey);
  }

  /** Fresh random keys (tests and tools). */
  static generate(): PersonalDataCipher {
    return new PersonalDataCipher(KeyRing.generate(), randomBytes(32));
  }

  /**
   * The search key the single DATA_KEY of earlier releases derived (HKDF-SHA256, 'stac:intake:person-index:v1'):
   * set as INTAKE_SEARCH_KEY when upgrading, the stored name search keys stay valid (`pnpm keys legacy-search-key`).
   */
  static legacySearchKey(dataKeyBase64: string): string {
    return Buffer.from(hkdfSync('sha256', Buffer.from(dataKeyBase64, 'base64'), Buffer.alloc(0), 'stac:intake:person-index:v1', 32)).toString('base64');
  }

  get ring(): KeyRing {
    return this.sealer.ring;
  }

  /** Encrypts a JSON value bound to (row id, column). */
  seal(value: unknown, rowId: string, column: string): Buffer {
    return this.sealer.seal(value, rowId, column);
  }

  /** Decrypts and authenticates; a value moved to another row or column, or tampered with, throws. */
  open<T>(sealed: Buffer, rowId: string, column: string): T {
    return this.sealer.open<T>(sealed, rowId, column);
  }

  /** A keyed hash of a normalised value under a domain label ('pair', 'dob', 'tok'...). */
  keyedHash(label: string, value: string): Buffer {
    return createHmac('sha256', this.indexKey).update(label).update('\u0000').update(value).digest().subarray(0, HASH_BYTES);
  }

  static sameHash(a: Buffer, b: Buffer): boolean {
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
