export * from './licence-ended.v1';
