import 'reflect-metadata';
import { getMetadataStorage, IsInt, IsString, validate, MetadataStorage } from 'class-validator';
// Every contract class, so the storage holds what a service holds.
import { ReferralSubmission } from '../index';
import { cacheValidationMetadata } from './metadata-cache';

describe('remembered validation rules', () => {
  it('answers exactly what class-validator answers, for every contract class and option', () => {
    const plain = new MetadataStorage();
    const cached = getMetadataStorage();
    // The process storage is the cached one (installed when the contracts loaded); a fresh storage fed the
    // same rules is not.
    for (const metadatas of (cached as unknown as { validationMetadatas: Map<unknown, never[]> }).validationMetadatas.values()) {
      for (const m of metadatas) plain.addValidationMetadata(m);
    }
    type Class = new (...args: never[]) => unknown;
    const targets = [...(cached as unknown as { validationMetadatas: Map<unknown, unknown> }).validationMetadatas.keys()].filter(
      (t): t is Class => typeof t === 'function',
    );
    expect(targets.length).toBeGreaterThan(100);
    for (const t of targets) {
      for (const always of [false, true]) {
        const a = cached.getTargetValidationMetadatas(t, '', always, false);
        const b = plain.getTargetValidationMetadatas(t, '', always, false);
        expect(a).toEqual(b);
        // Asked twice: the same answer, and a copy the caller may change.
        const again = cached.getTargetValidationMetadatas(t, '', always, false);
        expect(again).toEqual(a);
        expect(again).not.toBe(a);
      }
    }
  });

  it('forgets what it remembered when a rule is declared later', async () => {
    class Late {
      @IsString()
      name!: unknown;
    }
    expect(await validate(Object.assign(new Late(), { name: 'x', count: 'many' }))).toHaveLength(0);
    // A rule declared after the first validation (a class extended at run time) takes effect at once.
    IsInt()(Late.prototype, 'count');
    const errors = await validate(Object.assign(new Late(), { name: 'x', count: 'many' }));
    expect(errors.map((e) => e.property)).toEqual(['count']);
  });

  it('is installed once: a second install changes nothing', async () => {
    cacheValidationMetadata();
    cacheValidationMetadata();
    const errors = await validate(Object.assign(new ReferralSubmission(), {}));
    expect(errors.length).toBeGreaterThan(3);
  });
});
