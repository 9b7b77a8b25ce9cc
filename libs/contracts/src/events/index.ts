export * from './envelope';
export * from './streams';
export * from './case-referred.v1';
