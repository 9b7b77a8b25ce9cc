export * from './case-access';
export * from './case-access.operations';
export * from './restricted-records';
export * from './break-glass-reviews';
