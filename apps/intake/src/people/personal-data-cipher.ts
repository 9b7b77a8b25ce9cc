import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Format byte of every ciphertext: 1 = AES-256-GCM, 12-byte IV, 16-byte tag, the DATA_KEY of the agency. */
const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Keyed hashes are truncated to 16 bytes: collisions are negligible and the index stays small. */
const HASH_BYTES = 16;

export class DataKeyError extends Error {}

/**
 * Encryption at rest of personal fields with the agency key (DP-02): AES-256-GCM with the row id (and
 * the column, so a value cannot be moved to another column or row) as associated data; and keyed hashes
 * (HMAC-SHA256 under a key derived from DATA_KEY by HKDF) for search and duplicate blocking, so names
 * are findable without ever being stored or compared in plaintext.
 */
export class PersonalDataCipher {
  private readonly encryptionKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new DataKeyError('DATA_KEY must be 32 bytes');
    this.encryptionKey = Buffer.from(dataKey);
    this.indexKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'stac:intake:person-index:v1', 32));
  }

  /** From the DATA_KEY configuration value (base64 of 32 random bytes). */
  static fromBase64(value: string): PersonalDataCipher {
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32 || key.toString('base64') !== value) throw new DataKeyError('DATA_KEY must be base64 of 32 bytes');
    return new PersonalDataCipher(key);
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** Encrypts a JSON value bound to (row id, column). */
  seal(value: unknown, rowId: string, column: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(associatedData(rowId, column));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]);
  }

  /** Decrypts and authenticates; a value moved to another row or column, or tampered with, throws. */
  open<T>(sealed: Buffer, rowId: string, column: string): T {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) throw new DataKeyError('Unknown ciphertext format');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
    decipher.setAAD(associatedData(rowId, column));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /** A keyed hash of a normalised value under a domain label ('pair', 'dob', 'tok'...). */
  keyedHash(label: string, value: string): Buffer {
    return createHmac('sha256', this.indexKey).update(label).update('\u0000').update(value).digest().subarray(0, HASH_BYTES);
  }

  static sameHash(a: Buffer, b: Buffer): boolean {
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function associatedData(rowId: string, column: string): Buffer {
  return Buffer.from(`${rowId}\u0000${column}`, 'utf8');
}
