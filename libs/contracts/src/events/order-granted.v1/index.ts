export * from './order-granted.v1';
