export * from './victim-update-due.v1';
