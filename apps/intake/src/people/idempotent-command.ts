import { rpcProblem } from '@stac/runtime';

export { idempotent } from '@stac/runtime';

/** The case id of a case-scoped request body, checked before anything is looked up (API-04). */
export function caseIdOf(body: unknown): string {
  const id = typeof body === 'object' && body !== null ? (body as { caseId?: unknown }).caseId : undefined;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw rpcProblem(400, 'invalid-id', 'caseId must be a UUID', {
      errors: [{ field: 'caseId', message: 'caseId must be a UUID' }],
    });
  }
  return id.toLowerCase();
}
