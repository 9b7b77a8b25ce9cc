export * from './case-referred.v1';
