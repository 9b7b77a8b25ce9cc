export * from './risk.operations';
