export * from './person-check-requested.v1';
