export * from './risk-assessments';
