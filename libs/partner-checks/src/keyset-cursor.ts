import { rpcProblem } from '@stac/rpc';

/** Keyset cursor over (time, id): stable while rows are added or change state between pages. */
export interface KeysetCursor {
  at: Date;
  id: string;
}

export function encodeKeysetCursor(c: KeysetCursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`, 'utf8').toString('base64url');
}

/** 400 `validation-failed` on `cursor` for anything this service did not issue. */
export function decodeKeysetCursor(cursor: string): KeysetCursor {
  const [raw, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(raw ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(at.getTime())) {
    throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
      errors: [{ field: 'cursor', message: 'cursor must be the nextCursor of a previous page' }],
    });
  }
  return { at, id };
}
