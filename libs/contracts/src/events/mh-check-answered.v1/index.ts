export * from './mh-check-answered.v1';
