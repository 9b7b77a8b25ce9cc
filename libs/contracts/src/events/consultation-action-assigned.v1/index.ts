export * from './consultation-action-assigned.v1';
