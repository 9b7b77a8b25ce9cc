import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProblemException } from '@stac/contracts';
import { INSTRUMENT_SEED_V1 } from '../migrations/1795743000000-instrument-definitions';
import { LICENSED_DEFINITION_KEYS, parseInstrumentDefinition } from './instrument-definition';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('instrument definitions as versioned data', () => {
  it('every seeded definition is valid, and S-DASH has its 11 questions, gateway question, attribution and when-to-use guidance', () => {
    const parsed = INSTRUMENT_SEED_V1.map((d) => parseInstrumentDefinition(clone(d)));
    expect(parsed.map((d) => `${d.code}@${d.version}`)).toEqual(['S_DASH@1', 'DASH@1', 'SASH@1', 'SRP@1', 'PROFESSIONAL_JUDGEMENT@1']);
    const sDash = parsed[0];
    expect(sDash.questions).toHaveLength(11);
    expect(sDash.gatewayQuestion?.code).toBe('DASH_STALKING_GATEWAY');
    expect(sDash.attribution).toMatch(/Laura Richards/);
    expect(sDash.whenToUse).toMatch(/2 or more incidents/);
    expect(sDash.whenToUse).toMatch(/very frightened/);
  });

  it('licensed instruments (SASH, SRP) carry judgement fields only: no items in the seed', () => {
    const licensed = INSTRUMENT_SEED_V1.filter((d) => d.licence === 'LICENSED');
    expect(licensed.map((d) => d.code).sort()).toEqual(['SASH', 'SRP']);
    for (const d of licensed) {
      expect(Object.keys(d).filter((k) => !LICENSED_DEFINITION_KEYS.includes(k))).toEqual([]);
      const text = JSON.stringify(d);
      expect(text).not.toMatch(/"(questions|items|gatewayQuestion|tickCount)"/);
    }
  });

  it('a licensed definition that tries to carry items is refused', () => {
    const srp = clone(INSTRUMENT_SEED_V1.find((d) => d.code === 'SRP')!) as Record<string, unknown>;
    for (const key of ['questions', 'items', 'gatewayQuestion']) {
      const bad = { ...srp, [key]: [{ code: 'ITEM_1', text: 'an item' }] };
      expect(() => parseInstrumentDefinition(bad)).toThrow(ProblemException);
    }
  });

  it('a new version is only data: a valid v2 row parses without any code change', () => {
    const v2 = { ...clone(INSTRUMENT_SEED_V1[0]), version: 2, title: 'S-DASH v2' };
    expect(parseInstrumentDefinition(v2)).toMatchObject({ code: 'S_DASH', version: 2 });
  });

  it('no migration of the risk service inserts SASH or SRP items (repository scan)', () => {
    const dir = join(__dirname, '..', 'migrations');
    for (const f of readdirSync(dir)) {
      const src = readFileSync(join(dir, f), 'utf8');
      // Each object literal naming a licensed instrument must not carry an item list.
      for (const m of src.matchAll(/code:\s*'(SASH|SRP)'[\s\S]*?requiredAtSubmit/g)) {
        expect(m[0]).not.toMatch(/questions|items|gatewayQuestion/);
      }
    }
  });
});
