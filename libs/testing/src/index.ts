export * from './test-database';
export * from './eventually';
export * from './launch-services';
export * from './test-streams';
export * from './problem-of';
export * from './free-ports';
export * from './synthetic-referral';
