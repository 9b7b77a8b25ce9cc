export * from './agencies';
export * from './case';
export * from './downstream';
export * from './working-days';
export * from './lifecycle';
export * from './orders';
export * from './advice';
export * from './risk';
