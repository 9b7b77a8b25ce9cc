export * from './screening';
export * from './screening.operations';
