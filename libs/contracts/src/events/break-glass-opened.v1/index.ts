export * from './break-glass-opened.v1';
