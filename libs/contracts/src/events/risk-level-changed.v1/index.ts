export * from './risk-level-changed.v1';
