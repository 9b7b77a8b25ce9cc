export * from './probation';
export * from './probation.operations';
