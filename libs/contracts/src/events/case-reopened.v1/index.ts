export * from './case-reopened.v1';
