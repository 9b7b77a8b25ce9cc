import { HttpException, ParseUUIDPipe } from '@nestjs/common';
import { problem } from '@stac/contracts';

/** Ids are parsed before any lookup or subject is built (API-04). */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new HttpException(problem(400, 'invalid-id', `${name} must be a UUID`), 400) });
}
