export * from './release-upcoming.v1';
