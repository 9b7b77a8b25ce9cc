export * from './case-triaged.v1';
