export * from './audit-query';
