import { readFileSync } from 'node:fs';
import { ConfigError } from '@stac/config';
import { Clock, SystemClock } from '@stac/runtime';

/**
 * A clock that runs at real speed shifted by the milliseconds written in a file, re-read on every call:
 * end-to-end tests let Victims' Code deadlines pass without waiting days. Test deployments only.
 */
export class OffsetFileClock extends Clock {
  constructor(private readonly file: string) {
    super();
  }

  now(): Date {
    let offset = 0;
    try {
      const n = Number(readFileSync(this.file, 'utf8').trim());
      if (Number.isFinite(n)) offset = n;
    } catch {
      // No file yet: no offset.
    }
    return new Date(Date.now() + offset);
  }
}

/** The service's clock: the system clock, or (NODE_ENV=test with CLOCK_OFFSET_FILE) the offset clock. */
export function advocacyClockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const file = env.CLOCK_OFFSET_FILE ?? '';
  if (!file) return new SystemClock();
  if (env.NODE_ENV !== 'test') throw new ConfigError('config: CLOCK_OFFSET_FILE is for tests only (NODE_ENV=test)');
  return new OffsetFileClock(file);
}
