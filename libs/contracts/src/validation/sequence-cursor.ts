import { registerDecorator, type ValidationOptions } from 'class-validator';

const MAX_BIGINT = 9223372036854775807n;

/** A cursor over a bigint sequence: digits only, within Postgres's bigint range (API-02: never a 500). */
export function IsSequenceCursor(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSequenceCursor',
      target: target.constructor,
      propertyName,
      options: { message: '$property must be a cursor from a previous page', ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT,
      },
    });
}
