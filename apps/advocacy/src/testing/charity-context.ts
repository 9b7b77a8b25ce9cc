import type { TestingModule } from '@nestjs/testing';
import type { FieldGroup } from '@stac/auth';
import type { Operation } from '@stac/contracts';
import type { Role } from '@stac/domain';
import { IdempotencyRecords, type Clock, type OperationKernel, type RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';

/**
 * The RequestContext the kernel would hand an advocacy handler for `op`, for int tests that call the
 * charity's services directly: the charity's own team (allowed), its access-log entry written by the
 * real kernel, and the service's idempotency table. `app` and `kernel` are read when a context is made,
 * so tests can build them in `beforeAll`.
 */
export function charityContexts(o: { app: () => TestingModule; kernel: () => OperationKernel; clock: Clock }) {
  return (op: Operation, subject: string, role: Role, fieldGroups: FieldGroup[] = []): RequestContext => {
    const ctx: RequestContext = testRequestContext(
      { issuer: 'urn:test', subject, agency: 'advocacy', roles: [role] },
      {
        decision: { allow: true, rule: op.action, status: 200, via: 'OWNING_TEAM' },
        purpose: 'care',
        fieldGroups,
        operation: op,
        clock: o.clock,
        alsoAuthorize: () => Promise.reject(new Error('not used by advocacy')),
        audit: (m, d) => o.kernel().audit(ctx, m, d),
      },
      o.app().get(IdempotencyRecords),
    );
    return ctx;
  };
}
