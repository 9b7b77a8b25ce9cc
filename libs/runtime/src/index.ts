// The service kernel: what every domain service (not the gateway) is built from.
export * from '@stac/rpc';
export * from './domain-service';
export * from './case-part-reader';
export * from './case-restriction-replica';
export * from './case-access-replica';
export * from './clock';
export * from './audit-query.controller';
export * from './idempotency';
export * from './paging';
export * from './operations/operation-kernel';
export * from './operations/handles.decorator';
export * from './operations/request-context';
