import { rpcProblem } from '@stac/rpc';

/**
 * Keyset (cursor) paging for worklists (design.md §6: cursor pagination). A page is read in a stable
 * total order — a sort key ending in a unique id — and continues strictly after the last row shown, so
 * rows added or changed between pages neither repeat nor shift what follows. The cursor is opaque to
 * clients: base64url of the list it belongs to and that last row's sort key. It carries no personal data
 * (dates and ids) and grants nothing: the next page is decided and filtered like the first.
 */

/** A part of a sort key: a time (ISO 8601, milliseconds) or a record id (UUID). */
export type KeyPart = 'time' | 'id';
export type KeyValue = Date | string;

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LIST = /^[a-z][a-z0-9.-]{0,60}$/i;

/** The cursor continuing `list` after the row whose sort key is `key`. */
export function pageCursor(list: string, key: readonly KeyValue[]): string {
  if (!LIST.test(list)) throw new Error(`pageCursor: "${list}" is not a list name`);
  return Buffer.from([list, ...key.map((k) => (k instanceof Date ? k.toISOString() : k))].join('|'), 'utf8').toString('base64url');
}

function notOurs(): never {
  throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
    errors: [{ field: 'cursor', message: 'cursor must be the nextCursor of a previous page of this list' }],
  });
}

/**
 * Reads a cursor issued for one of `lists` (name -> the shape of its sort key). Anything else — another
 * list's cursor, a damaged or hand-made one — is 400 naming `cursor`, before any query runs.
 */
export function readPageCursor<L extends string>(raw: string, lists: Readonly<Record<L, readonly KeyPart[]>>): { list: L; key: KeyValue[] } {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 400 || !/^[A-Za-z0-9_-]+$/.test(raw)) notOurs();
  const [list, ...parts] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (!Object.prototype.hasOwnProperty.call(lists, list)) notOurs();
  const shape = lists[list as L];
  if (parts.length !== shape.length) notOurs();
  const key = parts.map((p, i): KeyValue => {
    if (shape[i] === 'id') return UUID.test(p) ? p.toLowerCase() : notOurs();
    const at = ISO_MS.test(p) ? new Date(p) : null;
    return at && !Number.isNaN(at.getTime()) && at.toISOString() === p ? at : notOurs();
  });
  return { list: list as L, key };
}

/** The limit a request asks for, within 1..MAX_PAGE_LIMIT (the contract refuses others; this never trusts it). */
export function pageLimit(limit: number | undefined, fallback = DEFAULT_PAGE_LIMIT): number {
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(limit ?? fallback)));
}

/**
 * One page from rows read with `LIMIT limit + 1` in the list's order: the first `limit` rows, and the
 * cursor after the last of them when there are more.
 */
export function keysetPage<T>(rows: readonly T[], limit: number, list: string, keyOf: (row: T) => readonly KeyValue[]): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit && page.length ? pageCursor(list, keyOf(page[page.length - 1])) : null };
}
