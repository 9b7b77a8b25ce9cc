export * from './case-part';
