export * from './case-restriction-changed.v1';
