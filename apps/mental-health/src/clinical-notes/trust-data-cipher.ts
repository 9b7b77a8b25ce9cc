import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TRUST_DATA_KEY_VAR, loadConfig } from '@stac/config';

/** Format byte of every ciphertext: 1 = AES-256-GCM, 12-byte IV, 16-byte tag, the trust's TRUST_DATA_KEY. */
const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TrustDataKeyError extends Error {}

/**
 * Encryption at rest of the trust's clinical notes (suspect.health) with the trust's own key, never the
 * police DATA_KEY: AES-256-GCM with the row id and column as associated data, so a ciphertext cannot be
 * moved to another row or column.
 */
export class TrustDataCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new TrustDataKeyError('TRUST_DATA_KEY must be 32 bytes');
    this.key = Buffer.from(key);
  }

  /** From TRUST_DATA_KEY (validated like every other variable; required, no default). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TrustDataCipher {
    const { TRUST_DATA_KEY } = loadConfig({ TRUST_DATA_KEY: TRUST_DATA_KEY_VAR }, env);
    const key = Buffer.from(TRUST_DATA_KEY, 'base64');
    if (key.toString('base64') !== TRUST_DATA_KEY) throw new TrustDataKeyError('TRUST_DATA_KEY must be base64 of 32 bytes');
    return new TrustDataCipher(key);
  }

  seal(text: string, rowId: string, column: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${rowId}\u0000${column}`, 'utf8'));
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]);
  }

  /** Decrypts and authenticates; a moved or tampered value throws. */
  open(sealed: Buffer, rowId: string, column: string): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) throw new TrustDataKeyError('Unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(`${rowId}\u0000${column}`, 'utf8'));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
