import { createCipheriv, randomBytes } from 'node:crypto';
import { INTAKE_DATA_KEYS_VAR } from '@stac/config';
import { keyRingFromEnv, searchKeyFromEnv } from './key-config';
import { DataKeyError, JsonSealer, KeyRing } from './key-ring';

const b64 = () => randomBytes(32).toString('base64');

/** A ciphertext as every agency's cipher wrote it before key rings: 0x01 | iv | tag | body, no key id. */
function legacySeal(key: Buffer, value: unknown, rowId: string, column: string): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(`${rowId}\u0000${column}`, 'utf8'));
  const body = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
  return Buffer.concat([Buffer.from([1]), iv, c.getAuthTag(), body]);
}

describe('KeyRing (DP-02)', () => {
  it('DP-02: every ciphertext carries the id of the key that sealed it; decryption picks the key by that id', () => {
    const [k1, k2] = [b64(), b64()];
    const old = new JsonSealer(KeyRing.parse(`k1:${k1}`));
    const sealed = old.seal({ note: 'canary' }, 'row-1', 'notes');
    expect(old.ring.keyIdOf(sealed)).toBe('k1');
    expect(sealed.toString('latin1')).not.toContain('canary');
    const rotated = new JsonSealer(KeyRing.parse(`*k2:${k2},k1:${k1}`));
    expect(rotated.ring.currentId).toBe('k2');
    expect(rotated.ring.keyIdOf(rotated.seal('x', 'row-1', 'notes'))).toBe('k2');
    expect(rotated.open(sealed, 'row-1', 'notes')).toEqual({ note: 'canary' });
    expect(rotated.ring.isCurrent(sealed)).toBe(false);
    // Once k1 has left the ring, its ciphertexts no longer open: nothing falls back to another key.
    expect(() => new JsonSealer(KeyRing.parse(`k2:${k2}`)).open(sealed, 'row-1', 'notes')).toThrow(/No key k1/);
  });

  it('DP-02: the key id, row id and column are authenticated: a relabelled, moved or tampered ciphertext does not open', () => {
    const [k1, k2] = [b64(), b64()];
    const ring = KeyRing.parse(`*k1:${k1},k2:${k2}`);
    const sealed = ring.encrypt(Buffer.from('v'), 'row-1', 'c');
    const relabelled = Buffer.from(sealed);
    relabelled[3] = '2'.charCodeAt(0); // "k1" -> "k2"
    expect(() => ring.decrypt(relabelled, 'row-1', 'c')).toThrow(DataKeyError);
    expect(() => ring.decrypt(sealed, 'row-2', 'c')).toThrow(DataKeyError);
    expect(() => ring.decrypt(sealed, 'row-1', 'd')).toThrow(DataKeyError);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => ring.decrypt(tampered, 'row-1', 'c')).toThrow(DataKeyError);
  });

  it('DP-02: ciphertexts from before key rings (no key id) open with whichever key of the ring sealed them', () => {
    const legacyKey = randomBytes(32);
    const old = legacySeal(legacyKey, ['zone'], 'row-9', 'exclusion_zones');
    const ring = KeyRing.parse(`*new:${b64()},legacy:${legacyKey.toString('base64')}`);
    expect(ring.keyIdOf(old)).toBeNull();
    expect(ring.isCurrent(old)).toBe(false);
    expect(new JsonSealer(ring).open(old, 'row-9', 'exclusion_zones')).toEqual(['zone']);
    expect(() => ring.decrypt(old, 'row-8', 'exclusion_zones')).toThrow(DataKeyError);
    expect(() => KeyRing.parse(`new:${b64()}`).decrypt(old, 'row-9', 'exclusion_zones')).toThrow(DataKeyError);
  });

  it.each([
    ['', /kid:base64/],
    [`k1:${b64()},k2:${b64()}`, /mark its current key/],
    [`*k1:${b64()},*k2:${b64()}`, /more than one key current/],
    [`k1:${randomBytes(16).toString('base64')}`, /32 bytes/],
    [`k 1:${b64()}`, /kid:base64/],
  ])('refuses a malformed ring %#', (value, message) => {
    expect(() => KeyRing.parse(value, 'X_DATA_KEYS')).toThrow(message);
  });

  it('refuses a key id or a key named twice', () => {
    const k = b64();
    expect(() => KeyRing.parse(`*a:${k},a:${b64()}`)).toThrow(/names key a twice/);
    expect(() => KeyRing.parse(`*a:${k},b:${k}`)).toThrow(/same key twice/);
  });

  it('DP-02: production refuses a missing ring and any published key, under any id; development accepts the published ring', () => {
    const published = INTAKE_DATA_KEYS_VAR.devDefault;
    expect(() => keyRingFromEnv('INTAKE_DATA_KEYS', INTAKE_DATA_KEYS_VAR, { NODE_ENV: 'production' })).toThrow(/INTAKE_DATA_KEYS is required/);
    expect(() => keyRingFromEnv('INTAKE_DATA_KEYS', INTAKE_DATA_KEYS_VAR, {})).toThrow(/INTAKE_DATA_KEYS is required/);
    expect(() => keyRingFromEnv('INTAKE_DATA_KEYS', INTAKE_DATA_KEYS_VAR, { INTAKE_DATA_KEYS: published })).toThrow(/published/);
    const renamed = `*mine:${b64()},old:${published.split(':')[1]}`;
    expect(() => keyRingFromEnv('INTAKE_DATA_KEYS', INTAKE_DATA_KEYS_VAR, { NODE_ENV: 'production', INTAKE_DATA_KEYS: renamed })).toThrow(/published development key/);
    expect(keyRingFromEnv('INTAKE_DATA_KEYS', INTAKE_DATA_KEYS_VAR, { NODE_ENV: 'development' }).currentId).toBe('dev');
    expect(keyRingFromEnv('INTAKE_DATA_KEYS', INTAKE_DATA_KEYS_VAR, { NODE_ENV: 'test', INTAKE_DATA_KEYS: renamed }).keyIds).toEqual(['mine', 'old']);
    const own = `k1:${b64()}`;
    expect(keyRingFromEnv('INTAKE_DATA_KEYS', INTAKE_DATA_KEYS_VAR, { NODE_ENV: 'production', INTAKE_DATA_KEYS: own }).toConfigValue()).toBe(`*${own}`);
  });

  it('DP-02: the search key is its own key, never one of the data keys', () => {
    const k = b64();
    const ring = KeyRing.parse(`k1:${k}`);
    const spec = { format: 'string', description: 'search key' } as const;
    expect(() => searchKeyFromEnv('S', spec, ring, { NODE_ENV: 'production', S: k })).toThrow(/must not be one of the data keys/);
    expect(searchKeyFromEnv('S', spec, ring, { NODE_ENV: 'production', S: b64() })).toHaveLength(32);
  });
});
