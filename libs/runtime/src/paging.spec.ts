import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ProblemException } from '@stac/contracts';
import { keysetPage, pageCursor, pageLimit, readPageCursor, type KeyPart } from './paging';

const LISTS: Record<'intake.leads.orders' | 'intake.my-cases', readonly KeyPart[]> = {
  'intake.leads.orders': ['time', 'id'],
  'intake.my-cases': ['time', 'time', 'id'],
};
const fieldOf = (raw: string) => {
  try {
    readPageCursor(raw, LISTS);
  } catch (e) {
    if (e instanceof ProblemException) return { status: e.problem.status, fields: e.problem.errors?.map((x) => x.field) };
    throw e;
  }
  return 'accepted';
};

describe('keyset page cursors', () => {
  it('round-trip the list and the sort key of the last row shown', () => {
    const id = randomUUID();
    const at = new Date('2026-12-01T09:00:00.123Z');
    const cursor = pageCursor('intake.leads.orders', [at, id]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readPageCursor(cursor, LISTS)).toEqual({ list: 'intake.leads.orders', key: [at, id] });
  });

  it("API-02: another list's cursor, a damaged or hand-made one is 400 naming cursor", () => {
    const id = randomUUID();
    const good = pageCursor('intake.leads.orders', [new Date('2026-12-01T09:00:00Z'), id]);
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
    const refused = { status: 400, fields: ['cursor'] };
    expect(fieldOf(pageCursor('intake.screening.overdue', [new Date(), id]))).toEqual(refused);
    expect(fieldOf(good.slice(0, -4))).toEqual(refused);
    expect(fieldOf(`${good}!`)).toEqual(refused);
    expect(fieldOf(b64(`intake.leads.orders|2026-02-30T09:00:00.000Z|${id}`))).toEqual(refused);
    expect(fieldOf(b64(`intake.leads.orders|2026-12-01T09:00:00Z|${id}`))).toEqual(refused);
    expect(fieldOf(b64(`intake.leads.orders|2026-12-01T09:00:00.000Z|' OR 1=1 --`))).toEqual(refused);
    expect(fieldOf(b64(`intake.leads.orders|2026-12-01T09:00:00.000Z`))).toEqual(refused);
    expect(fieldOf(b64(`constructor|2026-12-01T09:00:00.000Z|${id}`))).toEqual(refused);
    expect(fieldOf(b64(`__proto__|2026-12-01T09:00:00.000Z|${id}`))).toEqual(refused);
    expect(fieldOf('x'.repeat(401))).toEqual(refused);
    expect(fieldOf(good)).toBe('accepted');
  });

  it('a page is the first `limit` rows; the cursor follows the last of them only when more rows exist', () => {
    const rows = [1, 2, 3].map((n) => ({ at: new Date(Date.UTC(2026, 11, n)), id: randomUUID() }));
    const first = keysetPage(rows, 2, 'intake.leads.orders', (r) => [r.at, r.id]);
    expect(first.rows).toEqual(rows.slice(0, 2));
    expect(readPageCursor(first.nextCursor!, LISTS).key).toEqual([rows[1].at, rows[1].id]);
    expect(keysetPage(rows.slice(0, 2), 2, 'intake.leads.orders', (r) => [r.at, r.id]).nextCursor).toBeNull();
  });

  it('limits stay within 1..200 whatever reaches the service', () => {
    expect([pageLimit(undefined), pageLimit(0), pageLimit(500), pageLimit(7)]).toEqual([50, 1, 200, 7]);
  });
});
