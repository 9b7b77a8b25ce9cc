export * from './advice-issued.v1';
