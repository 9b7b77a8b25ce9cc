export * from './risk-summary';
