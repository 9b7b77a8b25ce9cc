export * from './advocacy';
export * from './advocacy.operations';
