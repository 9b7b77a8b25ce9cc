export * from './case-access-changed.v1';
