import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import type { ReferralSource } from '@stac/domain';

/** A field taken only on some referral routes: present with another `source`, it is refused (400 naming it). */
export function OnlyForSources(sources: readonly ReferralSource[], options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'onlyForSources',
      target: target.constructor,
      propertyName,
      options: { message: `$property is taken only when source is ${sources.join(' or ')}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || sources.includes((args.object as { source?: ReferralSource }).source as ReferralSource),
      },
    });
}

/** A field a route never takes (e.g. the people of a new case on a breach of an existing one). */
export function NotForSources(sources: readonly ReferralSource[], options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'notForSources',
      target: target.constructor,
      propertyName,
      options: { message: `$property is not taken when source is ${sources.join(' or ')}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || !sources.includes((args.object as { source?: ReferralSource }).source as ReferralSource),
      },
    });
}
