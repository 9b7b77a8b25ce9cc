import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ADVOCACY_DATA_KEY_VAR, ConfigError, loadConfig } from '@stac/config';

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Fingerprints of keys published in the repository (docker-compose.yml's default): refused in production. */
const PUBLISHED_DEV_KEYS = new Set(['fa34ae3d574bf25ff73497244b8d6e09eb0e35bfd7e411c37d26996e2db98cc7']);

/**
 * Encryption at rest with the charity's own key (DP-02): advocacy.notes, the victim's contact preferences
 * (victim.contact) and situation changes (victim.location). AES-256-GCM with (row id, column) as associated
 * data, so a value moved to another row or column, or tampered with, does not open.
 */
export class CharityCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new ConfigError('config: ADVOCACY_DATA_KEY must be 32 bytes');
    this.key = Buffer.from(key);
  }

  static fromBase64(value: string): CharityCipher {
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32 || key.toString('base64') !== value) throw new ConfigError('config: ADVOCACY_DATA_KEY must be base64 of 32 bytes');
    return new CharityCipher(key);
  }

  seal(value: unknown, rowId: string, column: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${rowId}\u0000${column}`, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]);
  }

  open<T>(sealed: Buffer, rowId: string, column: string): T {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) throw new Error('Unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(`${rowId}\u0000${column}`, 'utf8'));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }
}

/** The charity's cipher from ADVOCACY_DATA_KEY: required to run (only migrations may go without it). */
export function charityCipherFromEnv(env: NodeJS.ProcessEnv = process.env): CharityCipher {
  const { ADVOCACY_DATA_KEY } = loadConfig({ ADVOCACY_DATA_KEY: ADVOCACY_DATA_KEY_VAR }, env);
  if (env.NODE_ENV === 'production' && PUBLISHED_DEV_KEYS.has(createHash('sha256').update(ADVOCACY_DATA_KEY).digest('hex'))) {
    throw new ConfigError('config: ADVOCACY_DATA_KEY is the published development key; set the charity key from its secret store');
  }
  return CharityCipher.fromBase64(ADVOCACY_DATA_KEY);
}
