export * from './order-ended.v1';
