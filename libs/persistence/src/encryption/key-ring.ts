import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '@stac/config';

/** Before key rings: 0x01 | iv(12) | tag(16) | body, under the agency's one key, no key id. Read only. */
const FORMAT_LEGACY = 0x01;
/** The envelope: 0x02 | key-id length(1) | key id (ASCII) | iv(12) | tag(16) | body. */
const FORMAT_V2 = 0x02;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const KEY_B64 = /^[A-Za-z0-9+/]{43}=$/;

/** A ciphertext no key of the ring opens (tampered, moved to another row or column, or its key removed). */
export class DataKeyError extends Error {}

/** SHA-256 of a key's base64 text: how published keys are recognised without listing them. */
export function keyFingerprint(base64: string): string {
  return createHash('sha256').update(base64).digest('hex');
}

/**
 * An agency's data keys (DP-02): AES-256-GCM under the current key, with the key id in every ciphertext,
 * so a ciphertext names the key that opens it and keys can rotate: a new key becomes current, `pnpm keys
 * rotate` re-encrypts what the old keys sealed, then the old keys leave the ring. The row id and column are
 * associated data (with the envelope header), so a value moved to another row or column, or to another
 * key id, does not open. Ciphertexts from before key rings (no key id) still open with any key of the ring
 * until the rotation has re-encrypted them.
 */
export class KeyRing {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly currentId: string,
  ) {}

  /**
   * From configuration: `kid:base64,...`, base64 of 32 random bytes per key; the current key's id is
   * marked with a leading `*` (one key alone is current unmarked). `name` only labels errors.
   */
  static parse(value: string, name = 'DATA_KEYS'): KeyRing {
    const entries = value.split(',').map((e) => e.trim());
    const keys = new Map<string, Buffer>();
    const seen = new Set<string>();
    const current: string[] = [];
    for (const entry of entries) {
      const at = entry.indexOf(':');
      const marked = entry.startsWith('*');
      const id = entry.slice(marked ? 1 : 0, at);
      const b64 = entry.slice(at + 1);
      if (at < 0 || !KEY_ID.test(id)) throw new ConfigError(`config: ${name} must be kid:base64,... (key ids of letters, digits, . _ -)`);
      if (!KEY_B64.test(b64) || Buffer.from(b64, 'base64').length !== 32) throw new ConfigError(`config: ${name} key ${id} must be base64 of 32 bytes`);
      if (keys.has(id)) throw new ConfigError(`config: ${name} names key ${id} twice`);
      if (seen.has(b64)) throw new ConfigError(`config: ${name} holds the same key twice`);
      seen.add(b64);
      keys.set(id, Buffer.from(b64, 'base64'));
      if (marked) current.push(id);
    }
    if (current.length > 1) throw new ConfigError(`config: ${name} marks more than one key current (*)`);
    if (current.length === 0 && keys.size > 1) throw new ConfigError(`config: ${name} must mark its current key with * when it holds several`);
    return new KeyRing(keys, current[0] ?? [...keys.keys()][0]);
  }

  /** A ring of fresh random keys (tests, local stacks). */
  static generate(ids: readonly string[] = ['k1'], currentId = ids[0]): KeyRing {
    return new KeyRing(new Map(ids.map((id) => [id, randomBytes(32)])), currentId);
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** The configuration value of this ring (tests and the local stack only; never logged). */
  toConfigValue(): string {
    return [...this.keys].map(([id, k]) => `${id === this.currentId ? '*' : ''}${id}:${k.toString('base64')}`).join(',');
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** Base64 of every key (to refuse published ones). */
  keysBase64(): string[] {
    return [...this.keys.values()].map((k) => k.toString('base64'));
  }

  /** The same keys with another current one (rotation tests). */
  withCurrent(id: string): KeyRing {
    if (!this.keys.has(id)) throw new ConfigError(`no key ${id} in the ring`);
    return new KeyRing(this.keys, id);
  }

  /** Without the given keys (after a rotation). */
  without(...ids: string[]): KeyRing {
    const keys = new Map([...this.keys].filter(([id]) => !ids.includes(id)));
    if (!keys.has(this.currentId)) throw new ConfigError('the current key cannot leave the ring');
    return new KeyRing(keys, this.currentId);
  }

  /** Merged with another ring's keys; `this` keeps its current key (rotation tests). */
  with(other: KeyRing): KeyRing {
    return new KeyRing(new Map([...other.keys, ...this.keys]), this.currentId);
  }

  encrypt(plain: Buffer, rowId: string, column: string): Buffer {
    const id = Buffer.from(this.currentId, 'ascii');
    const header = Buffer.concat([Buffer.from([FORMAT_V2, id.length]), id]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    cipher.setAAD(associatedData(header, rowId, column));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Buffer, rowId: string, column: string): Buffer {
    if (sealed.length > 0 && sealed[0] === FORMAT_LEGACY) return this.decryptLegacy(sealed, rowId, column);
    const parsed = parseV2(sealed);
    const key = this.keys.get(parsed.keyId);
    if (!key) throw new DataKeyError(`No key ${parsed.keyId} in the ring`);
    return gcmOpen(key, parsed.iv, parsed.tag, parsed.body, associatedData(parsed.header, rowId, column));
  }

  /** The key id a ciphertext names; null for a ciphertext from before key rings. */
  keyIdOf(sealed: Buffer): string | null {
    if (sealed.length > 0 && sealed[0] === FORMAT_LEGACY) return null;
    return parseV2(sealed).keyId;
  }

  /** Whether a ciphertext is sealed under the current key (the rotation leaves those alone). */
  isCurrent(sealed: Buffer): boolean {
    return this.keyIdOf(sealed) === this.currentId;
  }

  private decryptLegacy(sealed: Buffer, rowId: string, column: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES) throw new DataKeyError('Truncated ciphertext');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const body = sealed.subarray(1 + IV_BYTES + TAG_BYTES);
    const aad = Buffer.from(`${rowId}\u0000${column}`, 'utf8');
    // No key id: the current key first, then the others; GCM's tag tells the right one.
    for (const id of [this.currentId, ...this.keyIds.filter((k) => k !== this.currentId)]) {
      try {
        return gcmOpen(this.keys.get(id)!, iv, tag, body, aad);
      } catch {
        // not this key
      }
    }
    throw new DataKeyError('No key of the ring opens this ciphertext');
  }
}

function parseV2(sealed: Buffer) {
  if (sealed.length < 2 || sealed[0] !== FORMAT_V2) throw new DataKeyError('Unknown ciphertext format');
  const idEnd = 2 + sealed[1];
  if (sealed[1] === 0 || sealed.length < idEnd + IV_BYTES + TAG_BYTES) throw new DataKeyError('Truncated ciphertext');
  return {
    header: sealed.subarray(0, idEnd),
    keyId: sealed.subarray(2, idEnd).toString('ascii'),
    iv: sealed.subarray(idEnd, idEnd + IV_BYTES),
    tag: sealed.subarray(idEnd + IV_BYTES, idEnd + IV_BYTES + TAG_BYTES),
    body: sealed.subarray(idEnd + IV_BYTES + TAG_BYTES),
  };
}

function gcmOpen(key: Buffer, iv: Buffer, tag: Buffer, body: Buffer, aad: Buffer): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DataKeyError('Ciphertext does not open (tampered, moved, or another key)');
  }
}

function associatedData(header: Buffer, rowId: string, column: string): Buffer {
  return Buffer.concat([header, Buffer.from(`\u0000${rowId}\u0000${column}`, 'utf8')]);
}

/** JSON values under a ring: what every agency's cipher stores. */
export class JsonSealer {
  constructor(readonly ring: KeyRing) {}

  seal(value: unknown, rowId: string, column: string): Buffer {
    return this.ring.encrypt(Buffer.from(JSON.stringify(value), 'utf8'), rowId, column);
  }

  open<T>(sealed: Buffer, rowId: string, column: string): T {
    return JSON.parse(this.ring.decrypt(sealed, rowId, column).toString('utf8')) as T;
  }
}
