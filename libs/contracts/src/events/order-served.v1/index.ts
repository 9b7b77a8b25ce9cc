export * from './order-served.v1';
