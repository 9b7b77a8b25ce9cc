export * from './consultation-cancelled.v1';
