export * from './probation-check-answered.v1';
