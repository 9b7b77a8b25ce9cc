export * from './case-closed.v1';
