import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { eventually, syntheticReferralBody } from '@stac/testing';
import type { Stack } from './stack-harness';
import type { ServiceName } from '../../tools/stack/src/stack-env';

let seq = 0;

/**
 * A synthetic crime-report referral as a police screener sends it: victim and suspect named, two
 * incidents, consent to advocacy. `tag` names the test file in the crime reference, which is unique per
 * run so repeated runs never collide; `overrides` replace whole top-level fields.
 */
export function syntheticReferral(
  tag: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  seq += 1;
  return { ...syntheticReferralBody(`CR-${tag}-${process.pid}-${randomBytes(3).toString('hex')}-${seq}`), ...overrides };
}

/** One query against a service's own database in the stack. */
export async function queryService<T extends Record<string, unknown>>(
  stack: Stack,
  service: Exclude<ServiceName, 'gateway'>,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new Client({ connectionString: stack.env[service].DATABASE_URL });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/**
 * Waits until `consumer`'s handler of the case's `eventType` event (from intake's outbox) has committed:
 * its inbox row is written in the handler's own transaction. After this, what the handler did not do,
 * it will not do: a test can assert an absence without waiting on a clock.
 */
export async function handled(
  stack: Stack,
  consumer: Exclude<ServiceName, 'gateway'>,
  caseId: string,
  eventType: string,
  /** Which of the case's events of that type: the first (default) or the newest intake has written. */
  which: 'first' | 'latest' = 'first',
): Promise<void> {
  const [event] = await eventually(
    async () => {
      const rows = await queryService<{ id: string }>(
        stack,
        'intake',
        `SELECT envelope->>'id' AS id FROM outbox WHERE envelope->>'caseId' = $1 AND envelope->>'eventType' = $2 ORDER BY seq ${which === 'latest' ? 'DESC' : 'ASC'}`,
        [caseId, eventType],
      );
      return rows.length ? rows : undefined;
    },
    { what: `${eventType} of the case in intake's outbox` },
  );
  await eventually(
    async () =>
      (
        await queryService(stack, consumer, 'SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', [
          consumer,
          event.id,
        ])
      ).length > 0,
    { what: `${consumer} to handle ${eventType}`, timeoutMs: 15_000 },
  );
}
