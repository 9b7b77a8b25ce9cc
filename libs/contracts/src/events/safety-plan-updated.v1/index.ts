export * from './safety-plan-updated.v1';
