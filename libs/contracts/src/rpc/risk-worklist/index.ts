export * from './risk-worklist';
