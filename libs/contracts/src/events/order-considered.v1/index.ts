export * from './order-considered.v1';
