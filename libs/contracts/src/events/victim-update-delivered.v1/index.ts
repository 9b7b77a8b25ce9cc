export * from './victim-update-delivered.v1';
