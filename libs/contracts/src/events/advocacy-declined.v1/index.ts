export * from './advocacy-declined.v1';
