export * from './victim-situation-changed.v1';
