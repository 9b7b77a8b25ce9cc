import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { loadConfig, PROBATION_DATA_KEY_VAR, PROBATION_SEARCH_KEY_VAR } from '@stac/config';

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class ProbationKeyError extends Error {}

/** Fingerprints of the development keys published in docker-compose.yml: a production process refuses them. */
const PUBLISHED_DEV_KEYS = new Set([
  createHash('sha256').update('mU6mKqkZ3kB0m2xgqkq8mKJYb9zXo1Ck9bQm6W3c0yE=').digest('hex'),
  createHash('sha256').update('q7Zl2ZQm3r0vYk4pQ8h1cT6nJx9sWb2eLd5fGu8aMiA=').digest('hex'),
]);

function key(value: string, name: string): Buffer {
  const k = Buffer.from(value, 'base64');
  if (k.length !== 32 || k.toString('base64') !== value) throw new ProbationKeyError(`config: ${name} must be base64 of 32 bytes`);
  return k;
}

/**
 * Probation's own keys (it is its own data controller, so never the police key): AES-256-GCM bound to
 * (row id, column) for restricted fields, the same format as intake's cipher; and a separate HMAC key for
 * the keyed search token of the probation case reference, so the reference is findable but never stored.
 */
export class ProbationKeys {
  private readonly dataKey: Buffer;
  private readonly searchKey: Buffer;

  constructor(dataKey: string, searchKey: string) {
    if (dataKey === searchKey) throw new ProbationKeyError('config: PROBATION_SEARCH_KEY must differ from PROBATION_DATA_KEY');
    this.dataKey = key(dataKey, 'PROBATION_DATA_KEY');
    this.searchKey = key(searchKey, 'PROBATION_SEARCH_KEY');
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ProbationKeys {
    const cfg = loadConfig({ PROBATION_DATA_KEY: PROBATION_DATA_KEY_VAR, PROBATION_SEARCH_KEY: PROBATION_SEARCH_KEY_VAR }, env);
    if (env.NODE_ENV === 'production') {
      for (const [name, v] of Object.entries(cfg)) {
        if (PUBLISHED_DEV_KEYS.has(createHash('sha256').update(String(v)).digest('hex'))) {
          throw new ProbationKeyError(`config: ${name} is a published development key; set probation's key from its secret store`);
        }
      }
    }
    return new ProbationKeys(String(cfg.PROBATION_DATA_KEY), String(cfg.PROBATION_SEARCH_KEY));
  }

  static generate(): ProbationKeys {
    return new ProbationKeys(randomBytes(32).toString('base64'), randomBytes(32).toString('base64'));
  }

  seal(value: unknown, rowId: string, column: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.dataKey, iv);
    cipher.setAAD(Buffer.from(`${rowId}\u0000${column}`, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]);
  }

  open<T>(sealed: Buffer, rowId: string, column: string): T {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) throw new ProbationKeyError('Unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.dataKey, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(`${rowId}\u0000${column}`, 'utf8'));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return JSON.parse(Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')) as T;
  }

  /** The keyed search token of a probation case reference (case and separators normalised away). */
  referenceToken(reference: string): Buffer {
    const normal = reference.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return createHmac('sha256', this.searchKey).update('probation-case-reference\u0000').update(normal).digest();
  }
}
