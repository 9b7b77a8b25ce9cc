export * from './case-access';
