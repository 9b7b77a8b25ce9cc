import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { repoRoot } from '@stac/testing';
import { PersonalDataCipher } from '../../apps/intake/src/people/personal-data-cipher';

describe('pnpm keys legacy-search-key', () => {
  it('DP-02: prints the search key intake derived from the single DATA_KEY, so an upgrade keeps every stored search key', () => {
    const legacy = randomBytes(32).toString('base64');
    const printed = execFileSync(process.execPath, ['-r', '@swc-node/register', 'tools/keys/src/main.ts', 'legacy-search-key'], {
      cwd: repoRoot(),
      env: { ...process.env, LEGACY_DATA_KEY: legacy },
      encoding: 'utf8',
    }).trim();
    expect(printed).toBe(PersonalDataCipher.legacySearchKey(legacy));
    expect(printed).not.toBe(legacy);
  });
});
