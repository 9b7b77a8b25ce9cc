export * from './advocacy-engaged.v1';
