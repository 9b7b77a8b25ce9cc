import { HttpException } from '@nestjs/common';
import { problem, ProblemException } from '@stac/contracts';
import { toProblem } from './problem.filter';

describe('toProblem (API-09, REL-05)', () => {
  it('keeps a known problem as it is', () => {
    const p = problem(409, 'illegal-transition', 'Cannot go from CLOSED to TRIAGED');
    expect(toProblem(new ProblemException(p))).toBe(p);
    expect(toProblem(new HttpException(p, 409))).toBe(p);
  });

  it('tells overload (pool exhausted) from an outage, and neither leaks the driver message', () => {
    expect(toProblem(new Error('timeout exceeded when trying to connect'))).toMatchObject({ status: 503, code: 'service-busy' });
    expect(toProblem(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toMatchObject({
      status: 503,
      code: 'database-unavailable',
      title: expect.not.stringContaining('127.0.0.1'),
    });
  });

  it('REL-05: a Postgres that refuses new connections (every slot taken) is 503 database-unavailable, not a 500', () => {
    const refused = Object.assign(new Error('remaining connection slots are reserved for non-replication superuser connections'), { code: '53300' });
    expect(toProblem(refused)).toEqual(problem(503, 'database-unavailable', 'The service database is unavailable; try again shortly'));
  });

  it('maps framework body errors to their own 4xx and anything unknown to a bare 500', () => {
    expect(toProblem(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }))).toMatchObject({
      status: 413,
      code: 'payload-too-large',
    });
    const unknown = toProblem(new Error('relation "person" does not exist at /srv/app/src/x.ts:12'));
    expect(unknown).toEqual(problem(500, 'internal-error', 'Internal error'));
  });
});
