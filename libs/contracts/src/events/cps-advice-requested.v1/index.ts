export * from './cps-advice-requested.v1';
