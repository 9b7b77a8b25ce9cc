export * from './cps-advice-given.v1';
