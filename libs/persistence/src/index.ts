export * from './data-source';
export * from './ensure-database';
export * from './database-probe';
export * from './database-roles';
export * from './encryption';
export * from './write-batch';
