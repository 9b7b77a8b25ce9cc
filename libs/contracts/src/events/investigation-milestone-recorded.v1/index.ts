export * from './investigation-milestone-recorded.v1';
