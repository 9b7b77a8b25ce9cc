export * from './screening';
