export * from './advice';
export * from './advice.operations';
