export * from './cps';
export * from './cps.operations';
