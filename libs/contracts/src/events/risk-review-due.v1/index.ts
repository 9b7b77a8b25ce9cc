export * from './risk-review-due.v1';
