export * from './orders';
export * from './orders.operations';
