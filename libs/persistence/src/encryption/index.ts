export * from './key-ring';
export * from './key-config';
export * from './rotation';
