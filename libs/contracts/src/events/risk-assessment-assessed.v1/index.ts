export * from './risk-assessment-assessed.v1';
