import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { EnvelopeDto, type EventContract, type EventEnvelope } from '@stac/contracts';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.keys(e.constraints ?? {}).map((c) => `${path}: ${c}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

export type Validated<T> = { ok: true; envelope: EventEnvelope<T> } | { ok: false; problems: string[] };

/**
 * Tolerant reader: unknown fields are stripped, not rejected, so producers can add fields within a
 * major version. Problems name fields and constraints only, never values.
 */
export async function validateEvent<T extends object>(raw: unknown, contract: EventContract<T>): Promise<Validated<T>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problems: ['envelope: not an object'] };
  // The envelope's own fields only: the payload is copied once, into its contract's class, below.
  const { additionalInformation, ...fields } = raw as Record<string, unknown>;
  const envelope = Object.assign(plainToInstance(EnvelopeDto, fields), { additionalInformation });
  const problems = flatten(await validate(envelope, { whitelist: true, forbidUnknownValues: true }));
  if (envelope.eventType !== contract.eventType) problems.push(`eventType: expected ${contract.eventType}`);
  if (envelope.version !== contract.version) problems.push(`version: expected ${contract.version}`);
  if (problems.length) return { ok: false, problems };
  const info = plainToInstance(contract, envelope.additionalInformation);
  const infoProblems = flatten(await validate(info, { whitelist: true, forbidUnknownValues: true }), 'additionalInformation');
  if (infoProblems.length) return { ok: false, problems: infoProblems };
  return { ok: true, envelope: { ...(envelope as EventEnvelope<object>), additionalInformation: info } as EventEnvelope<T> };
}
