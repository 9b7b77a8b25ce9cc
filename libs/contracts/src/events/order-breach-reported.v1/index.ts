export * from './order-breach-reported.v1';
