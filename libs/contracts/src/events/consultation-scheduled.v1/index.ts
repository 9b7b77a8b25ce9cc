export * from './consultation-scheduled.v1';
