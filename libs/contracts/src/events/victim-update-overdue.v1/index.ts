export * from './victim-update-overdue.v1';
