export * from './logger';
export * from './metrics';
export * from './correlation';
export * from './observability.module';
export * from './spans';
