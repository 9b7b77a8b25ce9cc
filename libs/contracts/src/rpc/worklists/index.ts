export * from './worklists';
export * from './worklists.operations';
