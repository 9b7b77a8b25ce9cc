export * from './case-stage-changed.v1';
