export * from './consultation-action-completed.v1';
