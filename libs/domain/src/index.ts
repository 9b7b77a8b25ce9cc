export * from './agencies';
export * from './case';
export * from './downstream';
export * from './working-days';
export * from './bank-holidays';
export * from './lifecycle';
export * from './orders';
export * from './advice';
