export * from './incident-recorded.v1';
