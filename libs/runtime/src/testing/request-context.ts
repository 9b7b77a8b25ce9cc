import { randomUUID } from 'node:crypto';
import type { Principal } from '@stac/auth';
import type { Operation } from '@stac/contracts';
import { SystemClock } from '../clock';
import type { IdempotencyRecords } from '../idempotency';
import type { RequestContext } from '../operations/request-context';

/**
 * A RequestContext as the operation kernel hands it to a handler, for tests that call a service
 * directly: an allowed decision as the owning team, the service's idempotency table when given, and no
 * audit side effects from the context itself (the services under test write their own access-log rows
 * unless `audit` is overridden). Authorisation is covered by the policy matrix and the end-to-end tests.
 */
export function testRequestContext(
  principal: Principal,
  over: Partial<RequestContext> = {},
  idempotency?: IdempotencyRecords,
): RequestContext {
  const ctx: RequestContext = {
    principal,
    decision: { allow: true, rule: 'test', status: 200, via: 'OWNING_TEAM' },
    purpose: 'investigation',
    fieldGroups: [],
    operation: { name: 'test', action: 'test' } as unknown as Operation,
    actingRole: principal.roles[0],
    owning: true,
    correlationId: randomUUID(),
    clock: new SystemClock(),
    alsoAuthorize: async () => undefined,
    audit: async () => undefined,
    idempotent: (m, command, body, run) => {
      if (!idempotency) throw new Error('testRequestContext: pass the service IdempotencyRecords to run idempotent commands');
      return idempotency.run(m, { principal: ctx.principal, idempotencyKey: ctx.idempotencyKey, command, body }, run);
    },
    ...over,
  };
  return ctx;
}
