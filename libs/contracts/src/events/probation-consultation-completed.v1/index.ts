export * from './probation-consultation-completed.v1';
