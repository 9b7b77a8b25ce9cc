import { isInfrastructureFailure, isPermanentDatabaseError } from './failure-classification';

describe('failure classification', () => {
  it('REL-03: a foreign-key or constraint failure is permanent, a lost connection is not', () => {
    expect(isPermanentDatabaseError({ driverError: { code: '23503' } })).toBe(true);
    expect(isPermanentDatabaseError({ code: '23514' })).toBe(true);
    expect(isPermanentDatabaseError({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isPermanentDatabaseError({ driverError: { code: '40001' } })).toBe(false);
    expect(isPermanentDatabaseError(new Error('boom'))).toBe(false);
  });

  it.each([
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    [
      'admin shutdown',
      { driverError: { code: '57P01', message: 'terminating connection due to administrator command' } },
    ],
    ['starting up', { code: '57P03' }],
    ['too many clients', { code: '53300' }],
    ['connection failure class 08', { code: '08006' }],
    [
      'ALLOW_CONNECTIONS false',
      Object.assign(new Error('database "x" is not currently accepting connections'), { code: '55000' }),
    ],
    ['pool exhausted', new Error('timeout exceeded when trying to connect')],
    ['connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['NATS closed', Object.assign(new Error('closed'), { name: 'ClosedConnectionError' })],
    ['wrapped by TypeORM', { name: 'QueryFailedError', message: 'x', driverError: { code: 'ECONNRESET' } }],
    ['cause chain', { message: 'outer', cause: { code: '57P01' } }],
    [
      "the session ended mid-transaction (TypeORM's released query runner)",
      Object.assign(new Error('Database connection provided by a query runner was already released'), {
        name: 'QueryRunnerProviderAlreadyReleasedError',
      }),
    ],
  ])('REL-07: %s is an infrastructure failure (pause, no delivery spent)', (_, e) => {
    expect(isInfrastructureFailure(e)).toBe(true);
  });

  it.each([
    ['a constraint', { driverError: { code: '23505' } }],
    ['a plain handler error', new Error('connection reset')],
    ['a statement timeout', { code: '57014' }],
    ['an unrelated 55000', Object.assign(new Error('object not in prerequisite state'), { code: '55000' })],
    ['nothing', undefined],
  ])('REL-03: %s is a failure of the message (backoff, then dead letter)', (_, e) => {
    expect(isInfrastructureFailure(e)).toBe(false);
  });
});
