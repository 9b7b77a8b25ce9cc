export * from './consultation-rescheduled.v1';
