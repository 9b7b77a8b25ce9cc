export * from './order-expiring.v1';
