import { rpcProblem } from '@stac/runtime';

/** Keyset cursor over (due time, id): stable while rows are added or answered between pages. */
export interface CheckCursor {
  dueAt: Date;
  id: string;
}

export function encodeCheckCursor(c: CheckCursor): string {
  return Buffer.from(`${c.dueAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeCheckCursor(cursor: string): CheckCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const dueAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(dueAt.getTime())) {
    throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
      errors: [{ field: 'cursor', message: 'cursor must be the nextCursor of a previous page' }],
    });
  }
  return { dueAt, id };
}
