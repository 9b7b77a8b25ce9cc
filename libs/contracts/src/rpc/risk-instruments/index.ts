export * from './risk-instruments';
