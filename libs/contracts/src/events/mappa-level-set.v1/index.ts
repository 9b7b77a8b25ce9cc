export * from './mappa-level-set.v1';
