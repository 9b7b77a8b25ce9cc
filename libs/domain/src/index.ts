export * from './agencies';
export * from './case';
export * from './downstream';
export * from './working-days';
