export * from './mh-consultation-completed.v1';
