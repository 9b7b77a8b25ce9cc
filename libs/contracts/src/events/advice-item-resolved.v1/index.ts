export * from './advice-item-resolved.v1';
