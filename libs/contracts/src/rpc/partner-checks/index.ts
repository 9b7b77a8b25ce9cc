export * from './partner-checks';
