export * from './lifecycle';
export * from './lifecycle.operations';
