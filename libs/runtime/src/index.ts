export * from './start-service';
export * from './problem.filter';
export * from './rpc/rpc-problem';
export * from './rpc/rpc-client';
export * from './domain-service';
export * from './case-part-reader';
export * from './clock';
export * from './audit-query.controller';
