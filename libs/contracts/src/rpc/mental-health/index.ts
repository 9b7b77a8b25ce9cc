export * from './mental-health';
export * from './mental-health.operations';
