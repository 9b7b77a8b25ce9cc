export * from './partner-check.record';
export * from './partner-checks';
export * from './keyset-cursor';
