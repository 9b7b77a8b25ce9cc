export * from './events';
export * from './rpc/problem';
export * from './rpc/rpc-envelope';
export * from './rpc/create-referral';
export * from './rpc/case-part';
export * from './validation/plain-text';
